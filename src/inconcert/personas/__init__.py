"""Personas: the same hand behind several accounts, several hands behind one byline.

Stylometry for accounts: each account's own texts give a style profile
(character n-grams with topic carriers masked, writing habits); pairs of
accounts get a same-hand score calibrated against random pairs of the same
input; each account's texts in time order are tested for several hands. Style
is a lead, not proof. See ``docs/personas.md``.

>>> from inconcert.personas import PersonaConfig, personas_from_actions
>>> from inconcert.personas.synthetic import persona_actions
>>> res = personas_from_actions(persona_actions(seed=2), PersonaConfig(evidence_pairs=1))
>>> res.summary["accounts_scored"], res.summary["accounts_below_floor"]
(10, 1)
"""

from __future__ import annotations

from inconcert.personas.config import PersonaConfig
from inconcert.personas.outputs import write_personas
from inconcert.personas.run import PersonaResult, find_personas, personas_from_actions

__all__ = ["PersonaConfig", "PersonaResult", "find_personas", "personas_from_actions", "write_personas"]
