import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { formatProfileTime } from './go-time.ts';

// Expected strings printed by Go 1.19: time.Unix(0, t).In(loc).Format("Jan 2, 2006 at 3:04pm (MST)").
const T = [1764033360000000000n, 1751371200000000000n, 4102444800000000000n, 946684800000000000n];
const GO: Record<string, string[]> = {
  UTC: ['Nov 25, 2025 at 1:16am (UTC)', 'Jul 1, 2025 at 12:00pm (UTC)', 'Jan 1, 2100 at 12:00am (UTC)', 'Jan 1, 2000 at 12:00am (UTC)'],
  'Europe/Berlin': ['Nov 25, 2025 at 2:16am (CET)', 'Jul 1, 2025 at 2:00pm (CEST)', 'Jan 1, 2100 at 1:00am (CET)', 'Jan 1, 2000 at 1:00am (CET)'],
  'America/Los_Angeles': ['Nov 24, 2025 at 5:16pm (PST)', 'Jul 1, 2025 at 5:00am (PDT)', 'Dec 31, 2099 at 4:00pm (PST)', 'Dec 31, 1999 at 4:00pm (PST)'],
  'Asia/Kolkata': ['Nov 25, 2025 at 6:46am (IST)', 'Jul 1, 2025 at 5:30pm (IST)', 'Jan 1, 2100 at 5:30am (IST)', 'Jan 1, 2000 at 5:30am (IST)'],
  'America/Sao_Paulo': ['Nov 24, 2025 at 10:16pm (-03)', 'Jul 1, 2025 at 9:00am (-03)', 'Dec 31, 2099 at 9:00pm (-03)', 'Dec 31, 1999 at 10:00pm (-02)'],
  'Australia/Lord_Howe': ['Nov 25, 2025 at 12:16pm (+11)', 'Jul 1, 2025 at 10:30pm (+1030)', 'Jan 1, 2100 at 11:00am (+11)', 'Jan 1, 2000 at 11:00am (+11)'],
};

test('UTC needs no zone files', () => {
  assert.deepEqual(T.map((t) => formatProfileTime(t, 'UTC')), GO.UTC);
});

test('zone abbreviations come from the tz database as in Go', (t) => {
  if (!existsSync('/usr/share/zoneinfo/Europe/Berlin')) {
    t.skip('no /usr/share/zoneinfo (tzdata) on this machine');
    return;
  }
  for (const [zone, want] of Object.entries(GO)) {
    assert.deepEqual(T.map((x) => formatProfileTime(x, zone)), want, zone);
  }
});

test('a local zone file Intl has no name for is read like Go, not a crash', (t) => {
  if (!existsSync('/usr/share/zoneinfo/posix/Europe/Berlin') || !existsSync('/usr/share/zoneinfo/Factory')) {
    t.skip('no posix/ zones or Factory in /usr/share/zoneinfo on this machine');
    return;
  }
  // Printed by Go 1.19 with TZ set to each zone.
  const want: Record<string, string[]> = {
    Factory: ['Nov 25, 2025 at 1:16am (-00)', 'Jul 1, 2025 at 12:00pm (-00)'],
    'posix/Europe/Berlin': ['Nov 25, 2025 at 2:16am (CET)', 'Jul 1, 2025 at 2:00pm (CEST)'],
    'right/UTC': ['Nov 25, 2025 at 1:16am (UTC)', 'Jul 1, 2025 at 12:00pm (UTC)'],
  };
  const saved = process.env.TZ;
  try {
    for (const [zone, times] of Object.entries(want)) {
      process.env.TZ = zone;
      assert.deepEqual([T[0], T[1]].map((x) => formatProfileTime(x, undefined)), times, zone);
    }
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});
