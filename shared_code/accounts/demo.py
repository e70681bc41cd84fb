"""A believable demo data set for one tenant, so a newcomer sees a living system (`pact seed --demo`).

About 300 accounts in health-system hierarchies (systems → hospitals → clinics, practices, pharmacies
and care centres) and independents, with US addresses and well-formed GLN, HIN and DEA numbers; 25
contracts over eight categories with tiers and terms; candidates in every status with dates in order;
twelve distributors with territories; and the documents each contract requires.

The set is deterministic (a fixed random seed, ids derived from the tenant, dates relative to `today`)
and seeding is idempotent: rows whose id exists are left as they are, only missing ones are added.
Rows go in by bulk INSERT, so no per-row audit entries: one `demo.seed` entry records what was added.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared_code.accounts import demo_catalogue as cat
from shared_code.accounts.models import (
    Account,
    AccountDistributor,
    Candidate,
    Contract,
    ContractCategory,
    ContractRequirement,
    Distributor,
)
from shared_code.core.audit import record_audit

DEMO_SEED = 20_241_124
ACCOUNT_COUNT = 300
_NAMESPACE = uuid.UUID("2f0c8a4e-5b7d-4c1e-9a36-d8e1f4b7c2a9")  # demo ids: uuid5(this, tenant/kind/key)
_IN_CHUNK = 500
# Insert order: every row's references come before it.
KINDS: dict[str, type] = {
    "categories": ContractCategory, "contracts": Contract, "requirements": ContractRequirement,
    "accounts": Account, "distributors": Distributor, "account_distributors": AccountDistributor,
    "candidates": Candidate,
}
# How candidates of a contract stand, by the contract's status: status -> weight.
_CANDIDATE_MIX = {
    "draft": {"eligible": 1},
    "active": {"eligible": 20, "invited": 15, "sent": 15, "returned": 10, "activated": 30, "declined": 5,
               "expired": 5},
    "expired": {"activated": 60, "declined": 15, "expired": 25},
    "terminated": {"activated": 50, "declined": 20, "expired": 30},
}
# Days between the steps of an activation: invited → sent → returned → activated (or closed).
_STEPS = {"invited": (), "sent": ((1, 14),), "returned": ((1, 14), (3, 30)),
          "activated": ((1, 14), (3, 30), (1, 10)), "declined": ((1, 14), (5, 40)), "expired": ((60, 120),)}


def build_demo_records(tenant_id: uuid.UUID, *, today: date) -> dict[str, list[dict[str, Any]]]:
    """The demo rows of `tenant_id` by kind (see KINDS), the same for the same tenant and day."""
    return _Builder(tenant_id, today).build()


def seed_demo_records(session: Session, *, tenant_id: uuid.UUID, today: date | None = None) -> dict[str, int]:
    """Add the demo records `tenant_id` lacks, in the caller's transaction; return how many of each kind."""
    records = build_demo_records(tenant_id, today=today or datetime.now(UTC).date())
    added: dict[str, int] = {}
    for kind, model in KINDS.items():
        present = _existing_ids(session, model, [row["id"] for row in records[kind]])
        missing = [row for row in records[kind] if row["id"] not in present]
        if missing:
            session.execute(sa.insert(model), missing)
        added[kind] = len(missing)
    if any(added.values()):
        record_audit(session, action="demo.seed", entity_type="Tenant", entity_id=tenant_id, tenant_id=tenant_id,
                     changes={"added": added})
    return added


def _existing_ids(session: Session, model: type, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), _IN_CHUNK):
        found.update(session.scalars(sa.select(model.id).where(model.id.in_(ids[start : start + _IN_CHUNK]))))
    return found


class _Builder:
    def __init__(self, tenant_id: uuid.UUID, today: date) -> None:
        self.tenant_id, self.today = tenant_id, today
        self.now = datetime.combine(today, time(17, 0), UTC)
        self.rng = random.Random(DEMO_SEED)  # noqa: S311 - made-up data, not secrets
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.cities_by_state: dict[str, list[cat.City]] = defaultdict(list)
        for city in cat.CITIES:
            self.cities_by_state[city.state].append(city)
        self.names: set[tuple[str, cat.City]] = set()
        self.hin_bases: set[str] = set()
        self.sites: dict[uuid.UUID, int] = defaultdict(int)

    def build(self) -> dict[str, list[dict[str, Any]]]:
        self._categories_and_contracts()
        self._accounts()
        self._distributors_and_links()
        self._candidates()
        return {kind: self.rows[kind] for kind in KINDS}

    # -- shared ----------------------------------------------------------------------------------

    def _add(self, kind: str, key: str, created_at: datetime, **values: Any) -> dict[str, Any]:
        updated_at = values.pop("updated_at", None) or self._between(created_at, self.now)
        row = {"id": uuid.uuid5(_NAMESPACE, f"{self.tenant_id}/{kind}/{key}"), "tenant_id": self.tenant_id,
               "version": 1, "created_at": created_at, "updated_at": updated_at, **values}
        self.rows[kind].append(row)
        return row

    def _between(self, start: datetime, end: datetime) -> datetime:
        seconds = int((end - start).total_seconds())
        return start + timedelta(seconds=self.rng.randrange(seconds)) if seconds > 0 else start

    def _days_ago(self, low: int, high: int) -> datetime:
        moment = self.now - timedelta(days=self.rng.randint(low, high), minutes=self.rng.randrange(600))
        return moment.replace(microsecond=0)

    # -- contracts -----------------------------------------------------------------------------

    def _categories_and_contracts(self) -> None:
        self.category_types: dict[uuid.UUID, tuple[str, ...]] = {}
        categories = {}
        for code, name, description, types in cat.CATEGORIES:
            row = self._add("categories", code, self._days_ago(1000, 1100), code=code, name=name,
                            description=description)
            categories[code], self.category_types[row["id"]] = row, types
            self._add("requirements", f"{code}/participation_form", row["created_at"], contract_id=None,
                      category_id=row["id"], document_type="participation_form", required=True,
                      description=f"Signed participation form for every {name.lower()} contract")
        for i, (code, name, supplier, tier, letter) in enumerate(cat.CONTRACTS):
            starts_on, ends_on, status = self._term(i)
            drafted = datetime.combine(starts_on - timedelta(days=self.rng.randint(40, 120)), time(10), UTC)
            row = self._add("contracts", name, min(drafted, self.now - timedelta(days=7)),
                number=f"PC-{code[:3]}-{1001 + i}", name=name, supplier=supplier, category_id=categories[code]["id"],
                tier=tier, starts_on=starts_on, ends_on=ends_on, status=status,
                description=f"{categories[code]['name']}: {name} from {supplier}" + (f", {tier} pricing" * bool(tier)))
            if letter:
                self._add("requirements", f"{row['number']}/letter", row["created_at"], contract_id=row["id"],
                          category_id=None, document_type="letter_of_commitment", required=True,
                          description=f"Letter of commitment to {tier.lower() if tier else 'the'} volume")

    def _term(self, i: int) -> tuple[date, date, str]:
        years = self.rng.choice((2, 3, 3, 5))
        if i in (3, 14):  # awaiting their start
            starts_on = self.today + timedelta(days=self.rng.randint(20, 75))
        elif i in (8, 11, 19):  # run their course
            starts_on = self.today - timedelta(days=365 * years + self.rng.randint(30, 300))
        else:
            starts_on = self.today - timedelta(days=self.rng.randint(30, 365 * years - 60))
        ends_on = starts_on.replace(year=starts_on.year + years) - timedelta(days=1)
        status = "draft" if starts_on > self.today else "expired" if ends_on < self.today else "active"
        if i == 16:  # ended early by the supplier
            status, ends_on = "terminated", self.today - timedelta(days=self.rng.randint(30, 90))
        return starts_on, ends_on, status

    # -- accounts ------------------------------------------------------------------------------

    def _accounts(self) -> None:
        for system_name, state in cat.HEALTH_SYSTEMS:
            cities = self.cities_by_state[state]
            short = _short(system_name)
            system = self._account("health_system", system_name, cities[0], None, short, self._days_ago(900, 1100))
            for h in range(self.rng.randint(2, 4)):
                city = cities[h % len(cities)]
                name = self._unique_name(self.rng.choice(cat.HOSPITAL_PATTERNS), city, short)
                hospital = self._account("hospital", name, city, system, short, self._days_ago(700, 900))
                for _ in range(self.rng.randint(2, 4)):
                    kind, pattern = self.rng.choice(cat.SITE_PATTERNS)
                    site_name = self._unique_name(pattern, city, short)
                    self._account(kind, site_name, city, hospital, short, self._days_ago(30, 700))
                    if len(self.rows["accounts"]) >= ACCOUNT_COUNT:
                        return
        while len(self.rows["accounts"]) < ACCOUNT_COUNT:
            kind, pattern = self.rng.choice(cat.INDEPENDENT_PATTERNS)
            city = self.rng.choice(cat.CITIES)
            name = self._unique_name(pattern, city, city.name)
            self._account(kind, name, city, None, name.split()[0], self._days_ago(5, 1000))

    def _account(self, kind: str, name: str, city: cat.City, parent: dict | None, short: str,
                 created_at: datetime) -> dict[str, Any]:
        rng, i = self.rng, len(self.rows["accounts"])
        first, last = rng.choice(cat.FIRST_NAMES), rng.choice(cat.LAST_NAMES)
        independent = parent is None and kind != "health_system"
        status = rng.choices(("active", "inactive", "prospect"), (70, 10, 20) if independent else (90, 5, 5))[0]
        hin = self._hin(parent)
        return self._add(
            "accounts", f"{i}", created_at, name=name, number=f"{400100 + 7 * i}",
            gln=_gln(i) if rng.random() < 0.85 else None, hin=hin,
            dea=None if kind == "health_system" else _dea(name, kind, rng), account_type=kind,
            status="active" if kind in ("health_system", "hospital") else status,
            parent_id=parent["id"] if parent else None,
            address_line1=f"{rng.randint(100, 9899)} {rng.choice(cat.STREETS)}",
            address_line2=rng.choice((None, None, None, f"Suite {rng.randint(1, 9)}00", f"Floor {rng.randint(2, 6)}")),
            city=city.name, state=city.state, postal_code=city.postal_code, country="US",
            contact_name=f"{first} {last}",
            contact_email=f"{first}.{last}@{_slug(short)}.example.org".lower(),
            phone=f"({city.area_code}) 555-01{rng.randint(0, 99):02d}",
        )

    def _hin(self, parent: dict | None) -> str:
        # A HIN is a 7-character base naming the organisation and a 2-character location suffix:
        # a hospital's sites share its base, each with a suffix of its own.
        if parent is not None and parent["account_type"] == "hospital":
            self.sites[parent["id"]] += 1
            return parent["hin"][:7] + f"{self.sites[parent['id']]:02d}"
        while True:
            base = self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + "".join(
                self.rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", k=6))
            if base not in self.hin_bases:
                self.hin_bases.add(base)
                return base + "00"

    def _unique_name(self, pattern: str, city: cat.City, short: str) -> str:
        rng = self.rng
        for _ in range(10):  # patterns with random parts find a free name quickly
            street = rng.choice(cat.STREETS)
            name = pattern.format(system=short, short=short, city=city.name, saint=rng.choice(cat.SAINTS),
                                  street=street, place=street.split()[0], last=rng.choice(cat.LAST_NAMES),
                                  last2=rng.choice(cat.LAST_NAMES))
            if (name, city) not in self.names:
                break
        else:  # a fixed pattern ("{city} Orthopedic Clinic") used again in one city: another campus
            options = [f"{name} - {side} Campus" for side in ("North", "South", "East", "West", "Central")]
            if city.name not in name:
                options.insert(0, f"{name} - {city.name}")
            name = next((o for o in options if (o, city) not in self.names), None) or f"{name} {len(self.names)}"
        self.names.add((name, city))  # one name in two places is no confusion ("St. Luke's" is everywhere)
        return name

    # -- distributors --------------------------------------------------------------------------

    def _distributors_and_links(self) -> None:
        serving: dict[str, list[dict]] = defaultdict(list)
        for n, (code, name, regions) in enumerate(cat.DISTRIBUTORS):
            row = self._add("distributors", code, self._days_ago(1000, 1100), code=f"DIST-{code}", name=name,
                            status="inactive" if n == len(cat.DISTRIBUTORS) - 2 else "active",
                            contact_email=f"orders@{_slug(name)}.example.org",
                            phone=f"(800) 555-01{n:02d}")
            if row["status"] == "active":
                for region in regions:
                    serving[region].append(row)
        region_of = {(c.name, c.state): c.region for c in cat.CITIES}
        for account in self.rows["accounts"]:
            if account["account_type"] == "health_system":
                continue
            region = region_of[(account["city"], account["state"])]
            chosen = self.rng.sample(serving[region], k=1 if self.rng.random() < 0.7 else 2)
            for n, distributor in enumerate(chosen):
                self._add("account_distributors", f"{account['id']}/{distributor['id']}",
                          self._between(account["created_at"], self.now), account_id=account["id"],
                          distributor_id=distributor["id"], territory=f"{region} ({account['state']})",
                          is_primary=n == 0)

    # -- candidates ----------------------------------------------------------------------------

    def _candidates(self) -> None:
        live = [a for a in self.rows["accounts"] if a["status"] == "active"]
        for contract in self.rows["contracts"]:
            types = self.category_types[contract["category_id"]]
            eligible = [a for a in live if a["account_type"] in types]
            share = 0.1 if contract["status"] == "draft" else self.rng.uniform(0.3, 0.6)
            mix = _CANDIDATE_MIX[contract["status"]]
            # Invitations go out from about six weeks before the start (never later than two days ago).
            opens = min(datetime.combine(contract["starts_on"], time(9), UTC) - timedelta(days=45),
                        self.now - timedelta(days=2))
            for account in self.rng.sample(eligible, k=max(1, round(len(eligible) * share))):
                status = self.rng.choices(list(mix), list(mix.values()))[0]
                self._candidate(contract, account, status, max(opens, contract["created_at"], account["created_at"]))

    def _candidate(self, contract: dict, account: dict, status: str, opens: datetime) -> None:
        rng = self.rng
        if status == "eligible":
            created = self._between(opens, self.now)
            self._add("candidates", f"{contract['id']}/{account['id']}", created, account_id=account["id"],
                      contract_id=contract["id"], status=status, updated_at=created, invited_at=None, sent_at=None,
                      returned_at=None, activated_at=None, closed_at=None, notes=None)
            return
        gaps = [timedelta(days=rng.randint(*span), hours=rng.randint(0, 8)) for span in _STEPS[status]]
        room = self.now - opens - timedelta(days=1)
        if sum(gaps, timedelta()) > room:  # a late opening: the steps come closer together
            gaps = [gap * (room / sum(gaps, timedelta())) for gap in gaps]
        invited = self._between(opens + timedelta(days=1), self.now - sum(gaps, timedelta()))
        moments = [invited]
        for gap in gaps:
            moments.append(moments[-1] + gap)
        names = {"invited": ["invited_at"], "sent": ["invited_at", "sent_at"],
                 "returned": ["invited_at", "sent_at", "returned_at"],
                 "activated": ["invited_at", "sent_at", "returned_at", "activated_at"],
                 "declined": ["invited_at", "sent_at", "closed_at"], "expired": ["invited_at", "closed_at"]}[status]
        dates = dict.fromkeys(("invited_at", "sent_at", "returned_at", "activated_at", "closed_at")) | dict(
            zip(names, moments, strict=True))
        notes = {"declined": "Declined: already committed through another agreement",
                 "expired": "No response before the invitation expired"}.get(status)
        self._add("candidates", f"{contract['id']}/{account['id']}", self._between(opens, invited),
                  account_id=account["id"], contract_id=contract["id"], status=status, updated_at=moments[-1],
                  notes=notes, **dates)


def _short(system_name: str) -> str:
    words = system_name.split()
    cut = next(i for i, word in enumerate(words) if word in ("Health", "Medical", "Care", "Regional"))
    return " ".join(words[:cut])


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _gln(i: int) -> str:
    """A GS1 Global Location Number: company prefix, location reference, mod-10 check digit."""
    body = f"0614141{10000 + i:05d}"[:12]
    total = sum(int(d) * (3 if n % 2 == 0 else 1) for n, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def _dea(name: str, kind: str, rng: random.Random) -> str:
    """A DEA registration: registrant type, the registrant's initial, six digits and a check digit."""
    digits = [rng.randint(0, 9) for _ in range(6)]
    check = (digits[0] + digits[2] + digits[4] + 2 * (digits[1] + digits[3] + digits[5])) % 10
    initial = next(ch for ch in name.upper() if ch.isalpha())
    return ("F" if kind == "physician_practice" else "B") + initial + "".join(map(str, digits)) + str(check)
