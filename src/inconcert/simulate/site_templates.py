"""Page templates in the style of real CMSs, for the site simulator.

Five families (WordPress-, Drupal-, Ghost-, Joomla-like and a newspaper
theme), each in variants that differ in markup, class names and which
boilerplate blocks they carry: navigation menu, breadcrumb
(``Home » Category » Title``), sidebar of recent headlines, "You may also
like" related links, comments with a "Leave a Comment" form, cookie banner,
newsletter box, footer with the theme's credits. The boilerplate of a
template is identical on every site that uses it — a shared theme is not a
shared operator.

>>> len(TEMPLATES) >= 20
True
>>> html = render(TEMPLATES[0], PageContent(site="example.com", site_name="Example",
...     url="https://example.com/a", title="T", body=["Para one."], published="2024-01-01T00:00:00Z"))
>>> "Para one." in html and "example.com" in html
True
"""

from __future__ import annotations

import html as _h
from dataclasses import dataclass, field

__all__ = ["Template", "PageContent", "TEMPLATES", "render"]


@dataclass(frozen=True)
class Template:
    """One CMS theme: its family, its name and which blocks it shows."""

    name: str
    family: str
    sidebar: bool = True
    related: bool = True
    comments: bool = True
    cookie: bool = True
    newsletter: bool = False
    breadcrumb: bool = True
    time_markup: str = "meta"  # meta | json-ld | time-tag | none


@dataclass
class PageContent:
    """What a page shows; ``head_extra`` holds tracker snippets."""

    site: str
    site_name: str
    url: str
    title: str
    body: list[str]
    published: str
    byline: str | None = None
    category: str = "World"
    recent: list[tuple[str, str]] = field(default_factory=list)  # (title, url) on the same site
    comments: list[tuple[str, str]] = field(default_factory=list)  # (name, text)
    head_extra: str = ""
    body_extra: str = ""


_FAMILIES = {
    "wordpress": dict(
        wrap="site-content", art="entry-content", head="entry-header", side="widget-area",
        credit="Proudly powered by WordPress | Theme: {theme} by ThemeGrill.",
        cookie="We use cookies on our website to give you the most relevant experience by remembering your "
        "preferences and repeat visits. By clicking Accept All, you consent to the use of ALL the cookies. "
        "However, you may visit Cookie Settings to provide a controlled consent.",
    ),
    "drupal": dict(
        wrap="layout-container", art="field--name-body", head="node__header", side="region-sidebar-first",
        credit="Powered by Drupal. {theme} theme.",
        cookie="This website uses cookies to ensure you get the best experience on our website. We use "
        "analytical and functional cookies; please read our cookie policy to find out more about them.",
    ),
    "ghost": dict(
        wrap="gh-viewport", art="gh-content", head="gh-article-header", side="gh-sidebar",
        credit="Published with Ghost. {theme} theme.",
        cookie="Our site uses cookies and similar technologies to measure traffic and remember your settings; "
        "you can change your choice at any time in the privacy centre.",
    ),
    "joomla": dict(
        wrap="container-main", art="item-page", head="page-header", side="sidebar-right",
        credit="Joomla! is Free Software released under the GNU General Public License. Template {theme}.",
        cookie="Cookies help us deliver our services. By using our services, you agree to our use of cookies. "
        "Learn more about how we process your data in our privacy notice.",
    ),
    "newspaper": dict(
        wrap="td-main-content-wrap", art="td-post-content", head="td-post-header", side="td-pb-span4",
        credit="Newspaper theme {theme} by tagDiv. All rights reserved.",
        cookie="This website uses cookies to improve your experience while you navigate through the website. "
        "Out of these, the cookies that are categorized as necessary are stored on your browser.",
    ),
}
_THEMES = ["Astra", "NewsMag", "Olivero", "Casper", "Cassiopeia", "Soledad", "ColorMag", "Bartik", "Edition",
           "Helix", "Jnews", "Zox", "Sahifa", "Publisher", "Flatsome", "Dawn", "Kadence", "Neve", "Hestia",
           "Voice", "Herald", "Magbook", "Bam", "Purity"]
_VARIANTS = [
    dict(),
    dict(sidebar=False, newsletter=True, time_markup="json-ld"),
    dict(comments=False, cookie=False, time_markup="time-tag"),
    dict(related=False, newsletter=True, breadcrumb=False),
    dict(time_markup="none", newsletter=True),
]


def _templates() -> list[Template]:
    out = []
    i = 0
    for v in range(len(_VARIANTS)):
        for fam in _FAMILIES:
            if len(out) >= 24:
                break
            out.append(Template(name=f"{fam}-{_THEMES[i].lower()}", family=fam, **_VARIANTS[v]))  # type: ignore[arg-type]
            i += 1
    return out


#: 24 templates: 5 families × 5 variants (minus one).
TEMPLATES: list[Template] = _templates()

_TAGS = ["politics", "economy", "elections", "energy", "security", "europe", "russia", "ukraine", "usa",
         "china", "middle-east", "iran", "nato", "sanctions", "analysis", "opinion", "interview", "video"]
_ABOUT = {
    "wordpress": "is an independent news and analysis website covering politics, economy, society and culture. "
    "Our team of editors and contributors brings you the latest news, in-depth reports, interviews and opinion "
    "pieces from around the world, every day. Contact the newsroom to send tips, corrections or press releases.",
    "drupal": "publishes daily news, commentary and investigations on the events that shape our region and the "
    "world. We believe in journalism that asks hard questions. Readers can reach the editorial office by e-mail; "
    "opinions expressed by authors are their own and do not necessarily reflect the views of the editors.",
    "ghost": "is a reader-supported publication about current affairs, geopolitics and the economy. Sign up to get "
    "every new story in your inbox, support our work with a membership, and join the conversation in the comments "
    "below each article. We publish new stories every weekday morning.",
    "joomla": "brings you breaking news, features and expert commentary from our correspondents. Founded by a "
    "group of journalists, the site covers national and international politics, business, science and sport. "
    "Republication of our materials is allowed with an active hyperlink to the source.",
    "newspaper": "is your source for the latest headlines, exclusive reports and opinion. Follow us on social "
    "networks and subscribe to our channel to never miss an update. All materials on this site are protected by "
    "copyright; quoting is allowed with a link to the original publication.",
}
_MENU = ["Home", "World", "Politics", "Economy", "Society", "Opinion", "Culture", "Sport", "Video", "Contact"]


def _e(s: str) -> str:
    return _h.escape(s, quote=True)


def render(t: Template, p: PageContent) -> str:
    """The HTML of page ``p`` in template ``t``."""
    f = _FAMILIES[t.family]
    theme = t.name.split("-", 1)[1].title()
    base = f"https://{p.site}"
    meta_time = ""
    if t.time_markup == "meta":
        meta_time = f'<meta property="article:published_time" content="{_e(p.published)}">'
    elif t.time_markup == "json-ld":
        author = f',"author":{{"@type":"Person","name":"{_e(p.byline)}"}}' if p.byline else ""
        meta_time = (f'<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",'
                     f'"headline":"{_e(p.title)}","datePublished":"{_e(p.published)}"{author}}}</script>')
    byline_meta = f'<meta name="author" content="{_e(p.byline)}">' if p.byline and t.time_markup != "json-ld" else ""
    out = [
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_e(p.title)} | {_e(p.site_name)}</title>',
        f'<link rel="canonical" href="{_e(p.url)}"><meta property="og:title" content="{_e(p.title)}">',
        f'<meta property="og:site_name" content="{_e(p.site_name)}">{meta_time}{byline_meta}',
        f'<link rel="stylesheet" href="{base}/wp-content/themes/{theme.lower()}/style.css">{p.head_extra}</head>',
        f'<body class="{t.family} single-post"><div class="{f["wrap"]}">',
        f'<header class="site-header"><a class="logo" href="{base}/">{_e(p.site_name)}</a>',
        '<nav class="main-navigation"><ul>' + "".join(
            f'<li><a href="{base}/{m.lower()}/">{m}</a></li>' for m in _MENU) + "</ul></nav></header>",
    ]
    if t.cookie:
        out.append(f'<div class="cookie-notice" role="dialog"><p>{f["cookie"]}</p>'
                   '<button>Accept All</button> <button>Cookie Settings</button></div>')
    out.append('<main class="content-area">')
    if t.breadcrumb:
        out.append(f'<div class="breadcrumb"><a href="{base}/">Home</a> » <a href="{base}/{p.category.lower()}/">'
                   f'{_e(p.category)}</a> » <span>{_e(p.title)}</span></div>')
    out.append(f'<article class="post"><header class="{f["head"]}"><h1 class="entry-title">{_e(p.title)}</h1>')
    if p.byline:
        out.append(f'<span class="byline">By <a rel="author" href="{base}/author/">{_e(p.byline)}</a></span>')
    if t.time_markup == "none":  # no markup: only the visible date line
        day = p.published[:10]
        months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December"]
        out.append(f'<span class="posted-on">Posted on {months[int(day[5:7]) - 1]} {int(day[8:10])}, {day[:4]}</span>')
    if t.time_markup == "time-tag":
        out.append(f'<time class="entry-date" datetime="{_e(p.published)}">{_e(p.published[:10])}</time>')
    out.append(f'</header><div class="{f["art"]}">')
    out.extend(f"<p>{para}</p>" for para in p.body)  # paragraphs may carry their own links
    out.append("</div>")
    out.append(f'<div class="share-buttons">Share: <a href="https://facebook.com/sharer?u={_e(p.url)}">Facebook</a> '
               f'<a href="https://twitter.com/intent/tweet?url={_e(p.url)}">Twitter</a> '
               f'<a href="https://t.me/share/url?url={_e(p.url)}">Telegram</a></div></article>')
    if t.related and p.recent:
        out.append('<section class="related-posts"><h3>You may also like</h3><ul>' + "".join(
            f'<li><a href="{_e(u)}">{_e(ti)}</a></li>' for ti, u in p.recent[:4]) + "</ul></section>")
    if t.comments:
        out.append('<section id="comments" class="comments-area">')
        for name, text in p.comments:
            out.append(f'<div class="comment"><b class="comment-author">{_e(name)}</b><p>{_e(text)}</p></div>')
        out.append('<div id="respond"><h3>Leave a Comment</h3><form><textarea name="comment"></textarea>'
                   '<input name="author" placeholder="Name*"><input name="email" placeholder="Email*">'
                   "<p>Save my name, email, and website in this browser for the next time I comment.</p>"
                   "<button>Post Comment</button></form></div></section>")
    out.append("</main>")
    if t.sidebar:
        out.append(f'<aside class="{f["side"]}"><section class="widget"><h3>Recent Posts</h3><ul>' + "".join(
            f'<li><a href="{_e(u)}">{_e(ti)}</a></li>' for ti, u in p.recent[:8]) + "</ul></section>"
            '<section class="widget"><h3>Categories</h3><ul>' + "".join(
            f'<li><a href="{base}/{m.lower()}/">{m}</a></li>' for m in _MENU[1:8]) + "</ul></section></aside>")
    if t.sidebar or t.related:  # what news themes put around every article: trending, tags, about
        out.append('<section class="widget trending"><h3>Trending now</h3><ol>' + "".join(
            f'<li><a href="{_e(u)}">{_e(ti)}</a></li>' for ti, u in p.recent[8:18]) + "</ol></section>")
        out.append('<section class="widget tagcloud"><h3>Popular tags</h3><p>' + " ".join(
            f'<a href="{base}/tag/{w}/">{w}</a>' for w in _TAGS) + "</p></section>")
    out.append(f'<section class="widget about"><h3>About {_e(p.site_name)}</h3><p>{_e(p.site_name)} '
               f"{_ABOUT[t.family]}</p></section>")
    if t.newsletter:
        out.append('<div class="newsletter"><h3>Subscribe to our newsletter</h3><p>Get the latest news and '
                   "analysis delivered to your inbox every morning. No spam, unsubscribe at any time.</p>"
                   '<input type="email" placeholder="Your email"><button>Subscribe</button></div>')
    out.append(f'<footer class="site-footer"><p>© 2024 {_e(p.site_name)}. All rights reserved.</p>'
               f'<p><a href="{base}/about/">About us</a> | <a href="{base}/privacy/">Privacy Policy</a> | '
               f'<a href="{base}/contact/">Contact</a></p><p class="site-info">{f["credit"].format(theme=theme)}</p>'
               f"</footer></div>{p.body_extra}</body></html>")
    return "\n".join(out)
