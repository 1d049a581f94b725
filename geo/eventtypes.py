"""The event types frontmap reads from text: one table that every module reads (the classifier, the store's
summaries, the map's colours and legend, the excerpt cards, the exports, the evaluation).

Each type is a string (what the store and the exports hold, e.g. "control_change") that also carries
how it is shown and ranked, and its name in ACLED's vocabulary. A new type is one entry in EVENT_TYPES.
"""

from __future__ import annotations


class EventType(str):
    """An event type: its id as a string, with its label, colour, rank and ACLED mapping."""

    label: str  # in a sentence: "control change"
    title: str  # a map layer's and the legend's name: "Control changes"
    colour: str
    rank: int  # the weightiest type names a place's marker
    acled: tuple[str, str]  # ACLED's event type and sub-event type

    def __new__(cls, name: str, *, label: str, title: str, colour: str, rank: int,
                acled: tuple[str, str]) -> EventType:
        kind = super().__new__(cls, name)
        kind.label, kind.title, kind.colour, kind.rank, kind.acled = label, title, colour, rank, acled
        return kind

    def __reduce__(self):
        # Copies and pickles (worker processes, Streamlit's widget state) come back as the registered type.
        return event_type, (str(self),)


CONTROL_CHANGE = EventType("control_change", label="control change", title="Control changes", colour="#111111", rank=3,
                           acled=("Battles", "Territory changed hands"))
STRIKE = EventType("strike", label="strike", title="Strikes", colour="#8e44ad", rank=2,
                   acled=("Explosions/Remote violence", "Shelling/artillery/missile attack"))
FRONTLINE = EventType("frontline", label="frontline", title="Frontline", colour="#e67e22", rank=1,
                      acled=("Battles", "Armed clash"))
MENTION = EventType("mention", label="mention", title="Mentions", colour="#95a5a6", rank=0,
                    acled=("Strategic developments", "Other"))

# Every known type by id, weightiest first: what a place's marker shows when several things happened there.
EVENT_TYPES: dict[str, EventType] = {kind: kind for kind in (CONTROL_CHANGE, STRIKE, FRONTLINE, MENTION)}


def by_rank() -> list[EventType]:
    """The known types, weightiest first (read at call time, so an added type is included)."""
    return sorted(EVENT_TYPES.values(), key=lambda kind: kind.rank, reverse=True)


def event_type(name: str) -> EventType:
    """The type of an id; an unknown id is shown as itself and ranks below every known type."""
    label = name.replace("_", " ")
    return EVENT_TYPES.get(name) or EventType(name, label=label, title=label.capitalize(), colour="#999999",
                                              rank=-1, acled=("Strategic developments", "Other"))
