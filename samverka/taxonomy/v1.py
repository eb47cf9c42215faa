"""Version 1 of the common category taxonomy: (code, Swedish, English, children)."""

from __future__ import annotations

Node = tuple[str, str, str, tuple[tuple[str, str, str], ...]]

VERSION = 1
PUBLISHED_ON = "2026-11-22"

TAXONOMY: tuple[Node, ...] = (
    (
        "person",
        "Brott mot person",
        "Crimes against the person",
        (
            ("person.lethal", "Dödligt våld och försök", "Lethal violence and attempts"),
            ("person.assault", "Misshandel", "Assault"),
            ("person.threat", "Hot", "Threats"),
            ("person.robbery", "Rån", "Robbery"),
            ("person.sexual", "Sexualbrott", "Sexual offences"),
            ("person.domestic", "Våld i nära relation", "Domestic violence"),
            ("person.honour", "Hedersrelaterat våld och förtryck", "Honour-related violence"),
        ),
    ),
    (
        "theft",
        "Stöld och inbrott",
        "Theft and burglary",
        (
            ("theft.residential", "Bostadsinbrott", "Residential burglary"),
            ("theft.vehicle", "Fordonsstöld och stöld ur fordon", "Vehicle crime"),
            ("theft.bicycle", "Cykelstöld", "Bicycle theft"),
            ("theft.shop", "Butiksstöld", "Shoplifting"),
            ("theft.boat", "Båt- och båtmotorstöld", "Boat and outboard theft"),
            ("theft.other", "Annan stöld", "Other theft"),
        ),
    ),
    (
        "damage",
        "Skadegörelse",
        "Criminal damage",
        (
            ("damage.graffiti", "Klotter", "Graffiti"),
            ("damage.other", "Annan skadegörelse", "Other criminal damage"),
            ("damage.arson", "Anlagd brand", "Arson"),
        ),
    ),
    ("drugs", "Narkotika", "Drugs", ()),
    (
        "traffic",
        "Trafik",
        "Traffic",
        (
            ("traffic.drink_driving", "Rattfylleri och drograttfylleri", "Drink and drug driving"),
            ("traffic.speeding", "Hastighet", "Speeding"),
            ("traffic.accident", "Trafikolycka", "Traffic accident"),
        ),
    ),
    (
        "order",
        "Ordning och otrygghet",
        "Public order and insecurity",
        (
            ("order.disturbance", "Ordningsstörning", "Public disturbance"),
            ("order.gathering", "Otrygghetsskapande samling", "Intimidating gathering"),
            ("order.mischief", "Ofog", "Mischief"),
            ("order.unsafe_lighting", "Otrygg plats: belysning", "Unsafe place: lighting"),
            ("order.unsafe_litter", "Otrygg plats: nedskräpning", "Unsafe place: litter"),
            ("order.unsafe_sightlines", "Otrygg plats: insyn", "Unsafe place: sightlines"),
            ("order.unsafe_deserted", "Otrygg plats: ödslig", "Unsafe place: deserted"),
        ),
    ),
    (
        "fraud",
        "Bedrägeri och välfärdsbrott",
        "Fraud and welfare crime",
        (
            ("fraud.fraud", "Bedrägeri", "Fraud"),
            ("fraud.welfare", "Välfärdsbrott", "Welfare crime"),
            (
                "fraud.work",
                "Arbetslivskriminalitet och kriminell ekonomi",
                "Labour and economic crime",
            ),
        ),
    ),
    (
        "organized",
        "Organiserad brottslighet",
        "Organised crime",
        (
            ("organized.shooting", "Skjutning", "Shooting"),
            ("organized.explosion", "Sprängning", "Explosion"),
            ("organized.networks", "Kriminella nätverk", "Criminal networks"),
        ),
    ),
    ("extremism", "Våldsbejakande extremism", "Violent extremism", ()),
    ("other", "Övrigt", "Other", ()),
)
