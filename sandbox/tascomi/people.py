"""People and places: users (officers and support staff), their teams, contacts and addresses."""

from __future__ import annotations

from datetime import datetime, timedelta

from sandbox.tascomi import text
from sandbox.tascomi.core import PORTAL_USER, SYSTEM_USER, WorldCore
from sandbox.tascomi.draws import between, pick, uniform

# (id, name, code, description index, officer team?)
TEAMS = (
    (1, "Development Management North", "DMN", 5, True),
    (2, "Development Management South", "DMS", 6, True),
    (3, "Major Projects", "MAJ", 1, True),
    (4, "Planning Enforcement", "ENF", 2, True),
    (5, "Technical Support", "TECH", 3, False),
    (6, "Trees and Landscape", "TREES", 4, True),
)
ENFORCEMENT_TEAM, SUPPORT_TEAM, TREES_TEAM = 4, 5, 6
_OFFICER_TEAM_WEIGHTS = ((1, 35), (2, 35), (3, 12), (4, 12), (6, 6))
OFFICER_TITLES, SUPPORT_TITLES = text.JOB_TITLES[:4], (text.JOB_TITLES[4], text.JOB_TITLES[5], text.JOB_TITLES[7])
DOMAIN = "council.example.gov.uk"


class People(WorldCore):
    """Users, teams and the people and places applications and complaints are about."""

    _officers: list[int]
    _support: list[int]
    _team_members: dict[int, list[int]]
    _team_map: dict[int, int]  # user id -> its user_team_map row

    # ------------------------------------------------------------------ users and teams

    def _seed_people(self, epoch: datetime, backlog_start: datetime, initial_users: int) -> None:
        """The vendor's own accounts and the teams exist from the start; staff were hired over the years."""
        for user_id, (forename, surname, username) in enumerate(
            (("System", "Administrator", "system"), ("Public", "Access", "publicaccess")), start=1
        ):
            created = self._create(
                "users", epoch, SYSTEM_USER, forename=forename, surname=surname, username=username,
                email=f"{username}@{DOMAIN}", job_title="System account", enabled=True, officer=False,
            )  # fmt: skip
            assert created == user_id
        for team_id, name, code, description, _officers in TEAMS:
            self._create("user_teams", epoch, SYSTEM_USER, name=name, code=code,
                         description=text.TEAM_DESCRIPTIONS[description])  # fmt: skip
            self._team_members[team_id] = []
        hires = sorted(
            (backlog_start.replace(hour=9) - timedelta(days=between(self._rng, 30, 3000)), self._rng.random() < 0.7)
            for _ in range(initial_users)
        )
        for hired, officer in hires:
            self._new_user(hired, officer)
        if not self._officers:
            self._new_user(backlog_start.replace(hour=9) - timedelta(days=30), officer=True)

    def _new_user(self, t: datetime, officer: bool) -> int:
        rng = self._rng
        forename, surname = text.person(rng)
        user_id = self._create(
            "users", t, SYSTEM_USER, forename=forename, surname=surname, username=f"{forename[0]}{surname}".lower(),
            email=text.email(forename, surname, DOMAIN), job_title=pick(rng, OFFICER_TITLES if officer else
                                                                                SUPPORT_TITLES),
            enabled=True, officer=officer, telephone=f"020 8356 {between(rng, 1000, 9999)}",
            manager=rng.random() < 0.12, last_password_change=t,
        )  # fmt: skip
        (self._officers if officer else self._support).append(user_id)
        team = rng.choices(*zip(*_OFFICER_TEAM_WEIGHTS, strict=True))[0] if officer else SUPPORT_TEAM
        self._team_map[user_id] = self._create("user_team_map", t, SYSTEM_USER, user_id=user_id, user_team_id=team)
        self._team_members[team].append(user_id)
        return user_id

    def _team_of(self, user_id: int) -> int:
        return self._get("user_team_map", self._team_map[user_id], "user_team_id")

    def _officer(self, team: int | None = None) -> int:
        """An enabled officer, from `team` when it has one."""
        members = [u for u in self._team_members.get(team, ())] if team is not None else []
        officers = [u for u in members if u in self._officers] if members else []
        return pick(self._rng, officers or self._officers)

    def _clerk(self) -> int:
        """Who keys in paper and phone work: support staff, or an officer when there are none."""
        return pick(self._rng, self._support or self._officers)

    def _user_change(self, t: datetime) -> None:
        rng = self._rng
        users = self._stores["users"]
        kind = pick(rng, ("join", "leave", "retitle", "rename", "password", "move"))
        if kind == "join":
            self._new_user(t, officer=rng.random() < 0.7)
            return
        user_id = between(rng, PORTAL_USER + 1, users.next_id - 1)
        if users.created(user_id) >= t or not users.get(user_id, "enabled"):
            return
        officer = users.get(user_id, "officer")
        if kind == "leave":
            if officer and len(self._officers) <= 5:
                return
            (self._officers if officer else self._support).remove(user_id)
            self._team_members[self._team_of(user_id)].remove(user_id)
            self._update("users", user_id, t, SYSTEM_USER, enabled=False)
        elif kind == "retitle":
            self._update("users", user_id, t, SYSTEM_USER,
                         job_title=pick(rng, OFFICER_TITLES if officer else SUPPORT_TITLES))  # fmt: skip
        elif kind == "rename":
            self._update("users", user_id, t, SYSTEM_USER, surname=pick(rng, text.SURNAMES))
        elif kind == "password":
            self._update("users", user_id, t, user_id, last_password_change=t, last_login=t)
        elif officer:
            self._move_team(t, user_id)

    def _move_team(self, t: datetime, user_id: int) -> None:
        """An officer moves to another officer team: their team map row is edited, not replaced."""
        current = self._team_of(user_id)
        choices = [team_id for team_id, *_rest, officers in TEAMS if officers and team_id != current]
        team = pick(self._rng, choices)
        self._team_members[current].remove(user_id)
        self._team_members[team].append(user_id)
        self._update("user_team_map", self._team_map[user_id], t, SYSTEM_USER, user_team_id=team)

    def _team_edit(self, t: datetime) -> None:
        """Team records are edited now and then: a description reworded, a team lead's note."""
        rng = self._rng
        team_id = between(rng, 1, len(TEAMS))
        current = self._get("user_teams", team_id, "description")
        choices = [d for d in text.TEAM_DESCRIPTIONS if d != current]
        self._update("user_teams", team_id, t, SYSTEM_USER, description=pick(rng, choices))

    # ------------------------------------------------------------------ places and contacts

    def _new_location(self, t: datetime, by: int) -> int:
        rng = self._rng
        flat = rng.random() < 0.25
        return self._create(
            "dtf_locations", t, by, uprn=100_021_000_000 + between(rng, 0, 899_999),
            usrn=20_000_000 + between(rng, 0, 8999), address_line_1=text.street_address(rng),
            address_line_2=f"Flat {between(rng, 1, 40)}" if flat else None, postcode=text.postcode(rng),
            x_coordinate=round(uniform(rng, 531_000, 537_000), 1),
            y_coordinate=round(uniform(rng, 182_000, 188_000), 1),
            parent_uprn=100_020_000_000 + between(rng, 0, 89_999) if flat else None,
        )  # fmt: skip

    def _new_contact(self, t: datetime, contact_type: int, location_id: int | None, by: int) -> int:
        rng = self._rng
        forename, surname = text.person(rng)
        corporate = contact_type >= 31
        return self._create(
            "contacts", t, by, contact_type_id=contact_type, title_id=between(rng, 1, 5), forename=forename,
            surname=surname, company_name=text.company(rng) if corporate else None,
            email=text.email(forename, surname, "mail.example.com"),
            telephone=f"07{between(rng, 100_000_000, 999_999_999)}" if rng.random() < 0.7 else None,
            dtf_location_id=location_id if location_id is not None else self._new_location(t, by),
            agent=contact_type in (2, 32),
        )  # fmt: skip

    def _edit_contact(self, t: datetime) -> None:
        """A contact's details change: a new email address or telephone number."""
        rng = self._rng
        contacts = self._stores["contacts"]
        contact_id = between(rng, 1, contacts.next_id - 1)
        if contacts.created(contact_id) >= t:
            return
        if rng.random() < 0.5:
            forename, surname = contacts.get(contact_id, "forename"), contacts.get(contact_id, "surname")
            changes = {"email": text.email(forename, f"{surname}{between(rng, 1, 99)}", "mail.example.com")}
        else:
            changes = {"telephone": f"07{between(rng, 100_000_000, 999_999_999)}"}
        self._update("contacts", contact_id, t, self._clerk(), **changes)

    def _correct_location(self, t: datetime) -> None:
        """The gazetteer team corrects an address: a postcode or a second address line."""
        rng = self._rng
        locations = self._stores["dtf_locations"]
        location_id = between(rng, 1, locations.next_id - 1)
        if locations.created(location_id) >= t:
            return
        if rng.random() < 0.5:
            changes = {"postcode": text.postcode(rng)}
        else:
            changes = {"location_description": pick(rng, ("Ground floor shop", "Rear garden", "Land adjacent"))}
        self._update("dtf_locations", location_id, t, self._clerk(), **changes)
