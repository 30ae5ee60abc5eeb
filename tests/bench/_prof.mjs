import { start } from '/work/main/tests/support/server.mjs';
import { DIST_CHROME, launch, tabIdFor, openPanel } from '/work/main/tests/support/browser.mjs';
const server = await start();
const url = server.urlA('flood.html');
const browser = await launch({ extension: process.env.NOEXT ? null : DIST_CHROME });
const page = await browser.context.newPage();
await page.goto(url);
let panelPage = null; if (process.env.PANEL) panelPage = await openPanel(browser, await tabIdFor(browser, url, page));
await page.goto(url);
const cdp = await browser.context.newCDPSession(process.env.PROFILE_PANEL ? panelPage : page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const r = await page.evaluate(() => window.flood(50000));
if (process.env.PROFILE_PANEL) await page.waitForTimeout(Number(process.env.PROFILE_PANEL)); const { profile } = await cdp.send('Profiler.stop');
console.log(JSON.stringify(r));
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas; const parentOf = new Map(); for (const n of profile.nodes) for (const c of n.children || []) parentOf.set(c, n); const counts = new Map();
profile.samples.forEach((id, i) => counts.set(id, (counts.get(id) || 0) + (dt[i] || 0)));
for (const [id, us] of counts) { const n = byId.get(id); const f = n.callFrame; const k = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`; self.set(k, (self.get(k) || 0) + us); }
// long stretches without idle: which functions
{ let t = profile.startTime; let runStart = null; let agg = new Map(); const runs = [];
  profile.samples.forEach((id, i) => { t += dt[i]; const n = byId.get(id); const f = n.callFrame; const idle = f.functionName === '(idle)';
    if (idle) { if (runStart !== null && t - runStart > 30000) runs.push([t - runStart, agg]); runStart = null; agg = new Map(); }
    else { if (runStart === null) runStart = t; let k = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`; let p = n; const path=[]; while (p && path.length < 4) { path.push(p.callFrame.functionName); p = parentOf.get(p.id); } k += ' <' + path.slice(1).join('<'); agg.set(k, (agg.get(k) || 0) + dt[i]); } });
  for (const [len, a] of runs.sort((x, y) => y[0] - x[0]).slice(0, 4)) { console.log('RUN', (len / 1000).toFixed(1), 'ms'); for (const [k, us] of [...a].sort((x, y) => y[1] - x[1]).slice(0, 6)) console.log('   ', (us / 1000).toFixed(1), k); } }
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((us / 1000).toFixed(1).padStart(8), 'ms', k);
if (process.env.INCL) { const incl = new Map(); for (const [id, us] of counts) { const seen = new Set(); let p = byId.get(id); while (p) { const f = p.callFrame; const k = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`.replace(/::h[0-9a-f]{16}/, '').slice(0, 150); if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) || 0) + us); } p = parentOf.get(p.id); } }
  console.log('--- inclusive'); for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.INCL))) console.log((us / 1000).toFixed(1).padStart(8), 'ms', k); }
if (process.env.CHILDREN) { for (const target of process.env.CHILDREN.split('|')) { const agg = new Map(); for (const [id, us] of counts) { let p = byId.get(id); const path = []; while (p) { path.push(p); p = parentOf.get(p.id); } path.reverse(); const i = path.findIndex((n) => n.callFrame.functionName.includes(target)); if (i < 0) continue; const c = path[i + 1]; const k = c ? c.callFrame.functionName.replace(/::h[0-9a-f]{16}/, '').slice(0, 140) : '(self)'; agg.set(k, (agg.get(k) || 0) + us); }
  console.log('--- children of', target); for (const [k, us] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log((us / 1000).toFixed(1).padStart(8), 'ms', k); } }
await browser.close(); await server.stop();
