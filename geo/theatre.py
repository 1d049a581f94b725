"""The theatre frontmap is set up for: the countries whose places it prefers among namesakes, the sides
and their colours, the countries whose regions the base map outlines, and the map's default view.
One value, passed to the resolver and the map, so that another war is another Theatre."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Theatre:
    name: str
    # Among namesakes, a place in these countries is preferred (there are 17 Nikolaevkas).
    focus_countries: tuple[str, ...]
    # Side → colour, in the order the legend lists them.
    side_colours: dict[str, str] = field(default_factory=dict)
    other_side_colour: str = "#6d4c41"
    no_side_colour: str = "#95a5a6"
    # Country code → Natural Earth name: the countries whose first-level regions the base map outlines.
    outlined_countries: dict[str, str] = field(default_factory=dict)
    center: tuple[float, float] = (0.0, 0.0)
    zoom: int = 3
    # (country, first-level region code) of the regions the fighting is in: a place taken or fought over is more
    # likely there than in a namesake far behind the lines ("Seversk" is Siversk, not the Tomsk city).
    front_regions: tuple[tuple[str, str], ...] = ()
    # Country code → the side whose ground it is behind the front: a strike on a place there, away from the front
    # regions, in a sentence that names no side, is the other side's ("a missile hit a hotel in Lviv").
    country_sides: dict[str, str] = field(default_factory=dict)

    def side_colour(self, side: str) -> str:
        if not side:
            return self.no_side_colour
        return self.side_colours.get(side, self.other_side_colour)


RUSSIA_UKRAINE = Theatre(
    name="Russia–Ukraine war",
    focus_countries=("UA", "RU", "BY"),
    side_colours={"Russia": "#c0392b", "Ukraine": "#1f5fbf"},
    outlined_countries={"UA": "Ukraine", "RU": "Russia", "BY": "Belarus", "MD": "Moldova"},
    center=(48.6, 35.5),
    zoom=6,
    # Ukraine's Chernihiv, Sumy, Kharkiv, Luhansk, Donetsk, Dnipropetrovsk, Zaporizhzhia, Kherson, Mykolaiv oblasts,
    # Crimea and Sevastopol; Russia's Bryansk, Kursk and Belgorod oblasts (GeoNames' first-level codes).
    front_regions=(("UA", "02"), ("UA", "21"), ("UA", "07"), ("UA", "14"), ("UA", "05"), ("UA", "04"), ("UA", "26"),
                   ("UA", "08"), ("UA", "16"), ("UA", "11"), ("UA", "20"), ("RU", "10"), ("RU", "41"), ("RU", "09")),
    country_sides={"UA": "Ukraine", "RU": "Russia"},
)
DEFAULT_THEATRE = RUSSIA_UKRAINE
