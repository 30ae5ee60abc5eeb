// CPU time of a browser's processes, by kind, from /proc (Linux): where a benchmark's time goes
// (the page's renderers, the extension's process — its service worker and panel page —, the
// browser process, the rest). CPU time, unlike wall time, hardly depends on what else runs.
import { readdir, readFile } from 'node:fs/promises';

const TICKS_PER_MS = 100 / 1000; // USER_HZ is 100 on Linux

function kindOf(cmdline) {
  const type = cmdline.find((arg) => arg.startsWith('--type='));
  if (!type) return 'browser';
  if (type === '--type=renderer') return cmdline.includes('--extension-process') ? 'extension' : 'page';
  return 'other';
}

/** Every process of the browser using `userDataDir` and its descendants: pid -> { cmdline, ms }. */
async function browserProcesses(userDataDir) {
  const all = new Map();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Chromium rewrites its children's command lines as one string: split on spaces too.
      const cmdline = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split(/[\0 ]/);
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): ppid is the 2nd, utime the 12th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      all.set(Number(name), {
        parent: Number(fields[1]),
        cmdline,
        ms: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_MS,
      });
    } catch {
      // gone meanwhile
    }
  }
  const mine = new Set([...all]
    .filter(([, p]) => p.cmdline.includes(`--user-data-dir=${userDataDir}`) && !p.cmdline.some((a) => a.startsWith('--type=')))
    .map(([pid]) => pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, p] of all) if (!mine.has(pid) && mine.has(p.parent)) { mine.add(pid); grew = true; }
  }
  return new Map([...mine].map((pid) => [pid, all.get(pid)]));
}

/** CPU ms by kind for the browser using `userDataDir` and all its descendants. */
export async function cpuByKind(userDataDir) {
  const totals = { browser: 0, page: 0, extension: 0, other: 0 };
  for (const p of (await browserProcesses(userDataDir)).values()) totals[kindOf(p.cmdline)] += p.ms;
  return totals;
}

/** cpuByKind (or extensionThreads) after minus before. */
export function cpuSpent(before, after) {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
}

/** CPU ms by thread name of the extension's processes of the browser using `userDataDir`. */
export async function extensionThreads(userDataDir) {
  const out = {};
  for (const [pid, p] of await browserProcesses(userDataDir)) {
    if (kindOf(p.cmdline) !== 'extension') continue;
    try {
      for (const tid of await readdir(`/proc/${pid}/task`)) {
        const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const thread = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out[thread] = (out[thread] ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS_PER_MS;
      }
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
