// The data of the directory tests (directory.test.mjs): a company directory
// CSV and the sandbox users beside it (`koodrive-sandbox --data FILE`), made
// up from a seed, the same for the same seed and "now". Most users are on
// both sides; some only in KooDrive, some only in the directory. No
// dependencies, no I/O but `writeDirectoryFixture`.
//
// The directory's header is `KooDrive User ID,Employee No,Full Name,E-mail,
// Org Unit,Status`: the page guesses the id, name, email and status columns
// from it, but not `Org Unit`, which the administrator picks as the
// department column. Its cells hold what real exports hold: a name with a
// comma (quoted), names with quotes and non-ASCII letters, two people with
// the same name, people without a department, a department whose name has
// a comma, two ids listed twice and one row without an id; the file starts
// with a byte order mark and ends its lines with CRLF.

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const GIB_IN_KIB = 1_048_576;
const PLAN_GIB = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1024, 2048, 5120];
const PERIOD_DAYS = [30, 90, 365, 730];

/** The directory's header row. */
export const DIRECTORY_HEADER = ["KooDrive User ID", "Employee No", "Full Name", "E-mail", "Org Unit", "Status"];

/** Its departments (the `Org Unit` column). */
export const DEPARTMENTS = [
  "Sales",
  "Engineering",
  "Finance",
  "Human Resources",
  "Marketing",
  "Legal",
  "Research, Europe",
  "Ventes Québec",
];

const FIRST = [
  "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
  "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
  "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra",
  "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
  "Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Melissa", "George", "Deborah", "Timothy", "Stephanie",
];
const LAST = [
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
  "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
  "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
  "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams",
  "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips",
];

/** People whose names make CSV files and matching hard; all on both sides. */
const TRICKY = {
  comma: { name: "Lovelace, Ada", email: "ada.lovelace@example.com" },
  quotes: { name: 'Patrick "Pat" O\'Brien', email: "pat.obrien@example.com" },
  accents: { name: "Zoë Åkesson", email: "zoe.akesson@example.com" },
  accents2: { name: "José Müller-Núñez", email: "jose.muller@example.com" },
  han: { name: "李雷", email: "li.lei@example.com" },
  sameName1: { name: "Ann Lee", email: "ann.lee@example.com" },
  sameName2: { name: "Ann Lee", email: "ann.lee.2@example.com" },
};

/** A small deterministic PRNG (mulberry32) with the draws the generator needs. */
function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const u32 = () => Math.floor(next() * 4_294_967_296);
  return {
    /** A float in [0, 1). */
    next,
    /** An integer in [0, n) for n up to 2^53. */
    below: (n) => Math.floor(next() * n),
    /** A BigInt in [0, n) for n up to 2^64. */
    bigBelow: (n) => ((BigInt(u32()) << 32n) | BigInt(u32())) % n,
    pick: (list) => list[Math.floor(next() * list.length)],
    shuffle(list) {
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [list[i], list[j]] = [list[j], list[i]];
      }
      return list;
    },
  };
}

/** The state of a quota and a `used`, as koodrive-core's `UserSpaceQuota::state` reads it. */
function stateFor(quota, used) {
  const q = Number(quota);
  if (q === 0) return used > 0 ? "exceeded" : "normal";
  const ratio = used / q;
  if (ratio >= 1) return "exceeded";
  if (ratio >= 0.99) return "critical";
  if (ratio >= 0.9) return "nearing";
  return "normal";
}

/** A quota (a string of digits): zero, past 2^53, tiny, odd or a plan size in KiB. */
function quota(r) {
  const p = r.below(100);
  if (p < 3) return "0";
  if (p < 6) return ((1n << 53n) + r.bigBelow(0xffff_ffff_ffff_ffffn - (1n << 53n))).toString();
  if (p < 10) return String(1 + r.below(1024));
  if (p < 30) {
    const magnitude = 10 ** (3 + r.below(10));
    return String(magnitude * (1 + r.below(9)) + r.below(magnitude));
  }
  return String(r.pick(PLAN_GIB) * GIB_IN_KIB);
}

/** A `used` landing in every state, away from the thresholds' edges. */
function used(r, quotaText) {
  const q = Number(quotaText);
  if (q === 0) return r.below(2) === 0 ? 0 : 1 + r.below(1_000_000);
  const p = r.below(100);
  if (p < 6) return 0;
  const [state, low, high] =
    p < 66 ? ["normal", 0, 0.88] : p < 78 ? ["nearing", 0.905, 0.985] : p < 86 ? ["critical", 0.9905, 0.999] : ["exceeded", 1, 1.5];
  const exact = q * (low + (high - low) * r.next());
  // One decimal, as the service mostly sends; the exact product when
  // rounding would move the record out of its state.
  const rounded = Math.round(exact * 10) / 10;
  return stateFor(quotaText, rounded) === state ? rounded : exact;
}

/**
 * The times of a record, relative to `nowMs`; never within a day of "now" or
 * of "30 days from now", so that "expired" and "expiring soon" (within 30
 * days) cannot change while a test runs.
 */
function times(r, nowMs) {
  if (r.below(100) < 3) return {};
  const between = (low, high) => low + r.below(high - low);
  const p = r.below(100);
  const expiration =
    p < 8
      ? nowMs - between(DAY_MS, 400 * DAY_MS)
      : p < 20
        ? nowMs + between(DAY_MS, 29 * DAY_MS)
        : p < 25
          ? nowMs + between(31 * DAY_MS, 60 * DAY_MS)
          : nowMs + between(61 * DAY_MS, 3 * 365 * DAY_MS);
  const effective = expiration - r.pick(PERIOD_DAYS) * DAY_MS;
  const out = {};
  if (r.below(100) >= 12) out.createTime = new Date(effective - between(0, 60 * DAY_MS) - HOUR_MS).toISOString();
  out.effectiveTime = new Date(effective).toISOString();
  out.expirationTime = new Date(expiration).toISOString();
  return out;
}

/** One sandbox record (the wire's UserSpaceQuota). */
function sandboxUser(r, userId, nowMs) {
  const q = quota(r);
  return { userId, quota: q, used: used(r, q), ...times(r, nowMs) };
}

/** Writes rows as CSV (RFC 4180: CRLF, quotes where needed), after a byte order mark. */
export function toCsv(rows) {
  const cell = (v) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `\uFEFF${rows.map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}

/**
 * The sandbox's users and the directory beside them.
 *
 * Returns:
 * - `sandboxUsers`: the records for `--data`, shared and sandbox-only mixed;
 * - `csv`: the directory file's text (`rowsRead` data rows);
 * - `people`: Map id → `{ name, email, department, status }`, what the
 *   page should make of the file (for a repeated id, its first row; the
 *   repeat holds the same department and email, another name and status);
 * - `shared`, `sandboxOnly`, `directoryOnly`: ids;
 * - `repeatedIds`: the ids listed twice, never one of the tricky people's;
 * - `tricky`: the people of `TRICKY`, by key, with their ids;
 * - `summary`: `{ users, departments, duplicateIds, withoutId, rowsRead }`.
 */
export function makeDirectoryFixture({ shared = 1000, sandboxOnly = 30, directoryOnly = 20, seed = 7, nowMs = Date.now() } = {}) {
  const r = random(seed);
  const seen = new Set();
  const newId = () => {
    for (;;) {
      const id = (1_000_000_000_000_000_000n + r.bigBelow(9_000_000_000_000_000_000n)).toString();
      if (!seen.has(id)) {
        seen.add(id);
        return id;
      }
    }
  };
  const sharedIds = Array.from({ length: shared }, newId);
  const sandboxOnlyIds = Array.from({ length: sandboxOnly }, newId);
  const directoryOnlyIds = Array.from({ length: directoryOnly }, newId);

  // KooDrive's users, in an order of their own.
  const sandboxUsers = r.shuffle([...sharedIds, ...sandboxOnlyIds]).map((id) => sandboxUser(r, id, nowMs));

  // The directory's people: the tricky ones first among the shared users.
  const people = new Map();
  const names = new Set(Object.values(TRICKY).map((t) => t.name));
  const emails = new Set(Object.values(TRICKY).map((t) => t.email));
  const tricky = {};
  const trickyKeys = Object.keys(TRICKY);
  const inDirectory = [...sharedIds, ...directoryOnlyIds];
  inDirectory.forEach((id, i) => {
    let name;
    let email;
    if (i < trickyKeys.length) {
      ({ name, email } = TRICKY[trickyKeys[i]]);
      tricky[trickyKeys[i]] = { id, name, email };
    } else {
      const first = r.pick(FIRST);
      const last = r.pick(LAST);
      name = `${first} ${last}`;
      for (let k = 0; names.has(name); k++) name = `${first} ${String.fromCharCode(65 + (k % 26))}${k >= 26 ? k : ""}. ${last}`;
      names.add(name);
      const local = `${first}.${last}`.toLowerCase();
      email = `${local}@example.com`;
      for (let k = 2; emails.has(email); k++) email = `${local}.${k}@example.com`;
      emails.add(email);
    }
    // A few people have no department, a few are away.
    const department = r.below(100) < 2 ? "" : r.pick(DEPARTMENTS);
    const p = r.below(100);
    const status = p < 90 ? "Active" : p < 95 ? "On leave" : "Inactive";
    people.set(id, { name, email, department, status });
  });
  // The tricky people keep a department, so the tests can check it.
  for (const { id } of Object.values(tricky)) {
    if (!people.get(id).department) people.get(id).department = DEPARTMENTS[0];
  }

  // The file: people in an order of their own, employee numbers, then the
  // rows a real export has and the page must skip.
  const order = r.shuffle([...inDirectory]);
  const rows = order.map((id, i) => {
    const p = people.get(id);
    return [id, `E${String(10_001 + i)}`, p.name, p.email, p.department, p.status];
  });
  const trickyIds = new Set(Object.values(tricky).map((t) => t.id));
  const repeatedIds = order.filter((id) => !trickyIds.has(id)).filter((_, i) => i === 10 || i === 500);
  rows.push(...repeatedIds.map((id) => {
    const p = people.get(id);
    return [id, "E99990", `${p.name} (old record)`, p.email, p.department, "Inactive"];
  }));
  rows.push(["", "E99999", "Nobody Without-Id", "no.id@example.com", DEPARTMENTS[0], "Active"]);

  const departments = new Set([...people.values()].map((p) => p.department).filter((d) => d !== ""));
  return {
    sandboxUsers,
    csv: toCsv([DIRECTORY_HEADER, ...rows]),
    people,
    shared: sharedIds,
    sandboxOnly: sandboxOnlyIds,
    directoryOnly: directoryOnlyIds,
    repeatedIds,
    tricky,
    summary: {
      users: people.size,
      departments: departments.size,
      duplicateIds: repeatedIds.length,
      withoutId: 1,
      rowsRead: rows.length,
    },
  };
}

/** Writes `sandbox-users.json` and `directory.csv` into `dir`; returns their paths. */
export async function writeDirectoryFixture(dir, fixture) {
  await mkdir(dir, { recursive: true });
  const data = path.join(dir, "sandbox-users.json");
  const csv = path.join(dir, "directory.csv");
  await writeFile(data, JSON.stringify(fixture.sandboxUsers));
  await writeFile(csv, fixture.csv);
  return { data, csv };
}
