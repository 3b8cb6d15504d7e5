"""The classification data of SØM: paying authorities, the eleven main areas, municipal committees.

SØM splits every krone of the budget-economic net result three ways: by the authority that pays
(municipality, region, state), by one of eleven main areas (*hovedområder*) and, for the municipal part, by
the municipal committee (*udvalg*) whose budget it falls under. The codes are the stable identifiers used in
case files and the database; the names are what users see.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..text import Text


@dataclass(frozen=True)
class Label:
    code: str
    name: Text

    def __init__(self, code: str, da: str, en: str) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "name", Text(da, en))


AUTHORITIES: tuple[Label, ...] = (
    Label("municipality", "Kommune", "Municipality"),
    Label("region", "Region", "Region"),
    Label("state", "Stat", "State"),
)

# The eleven main areas. DOMAIN.md names police/justice, adult social services, health, employment and
# education; the remaining six complete the fields of public spending that SØM's consequences touch for the
# target groups of the social area. See docs/developers/som.md.
MAIN_AREAS: tuple[Label, ...] = (
    Label("employment", "Beskæftigelse", "Employment"),
    Label("income_transfers", "Overførselsindkomster", "Income transfers"),
    Label("health", "Sundhed", "Health"),
    Label("psychiatry", "Psykiatri", "Psychiatry"),
    Label("substance_abuse", "Misbrug", "Substance abuse treatment"),
    Label("education", "Uddannelse", "Education"),
    Label("police_justice", "Politi og retsvæsen", "Police and justice"),
    Label("adult_social", "Voksne – sociale indsatser", "Adults – social services"),
    Label(
        "children_social", "Børn og unge – sociale indsatser", "Children and young people – social services"
    ),
    Label("disability", "Handicap", "Disability"),
    Label("housing", "Bolig", "Housing"),
)

# Standing committees of a typical Danish municipal council. Only the municipal share of a price or cost
# is split by committee; regional and state money falls under no municipal committee.
COMMITTEES: tuple[Label, ...] = (
    Label("finance", "Økonomiudvalget", "Finance committee"),
    Label("social", "Socialudvalget", "Social affairs committee"),
    Label("children_youth", "Børne- og ungeudvalget", "Children and youth committee"),
    Label("schools", "Skoleudvalget", "Schools committee"),
    Label("employment", "Beskæftigelsesudvalget", "Employment committee"),
    Label("health_elderly", "Sundheds- og ældreudvalget", "Health and elderly committee"),
    Label("culture_leisure", "Kultur- og fritidsudvalget", "Culture and leisure committee"),
    Label("technical_environment", "Teknik- og miljøudvalget", "Technical and environment committee"),
)

AUTHORITY_CODES: tuple[str, ...] = tuple(a.code for a in AUTHORITIES)
AREA_CODES: tuple[str, ...] = tuple(a.code for a in MAIN_AREAS)
COMMITTEE_CODES: tuple[str, ...] = tuple(c.code for c in COMMITTEES)

_BY_CODE = {
    "authority": {a.code: a for a in AUTHORITIES},
    "area": {a.code: a for a in MAIN_AREAS},
    "committee": {c.code: c for c in COMMITTEES},
}


def label(kind: str, code: str) -> Label:
    """The label of an authority, area or committee code (`kind` is "authority", "area" or "committee")."""
    return _BY_CODE[kind][code]
