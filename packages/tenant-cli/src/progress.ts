import { ControlPlane, RolloutView } from '@tenant-waves/control-plane';
import { Io } from './io';
import { dash } from './output';

const ms = (a: string | null, b: string | null) => (a && b ? `${((Date.parse(b) - Date.parse(a)) / 1000).toFixed(1)} s` : '');

/** The rollout as lines: a header, each wave with its gate state, each tenant with versions and timing. */
export function describeRollout(v: RolloutView): string[] {
  const lines = [`Rollout ${v.rolloutId}: ${v.service} → ${v.version}  ${v.status}`];
  for (const w of v.waves) {
    lines.push(`  wave ${w.wave}  ${w.status}`);
    for (const t of w.tenants) {
      lines.push(`    ${t.tenantId.padEnd(16)} ${`${dash(t.fromVersion)} → ${t.toVersion}`.padEnd(18)} ${t.status.padEnd(12)} ${ms(t.startedAt, t.finishedAt)}${t.reason ? `  ${t.reason}` : ''}`.trimEnd());
    }
  }
  if (v.status === 'WAITING_APPROVAL') lines.push(...gateLines(v));
  if (v.reason && v.status !== 'WAITING_APPROVAL') lines.push(`  ${v.reason}`);
  return lines;
}

function gateLines(v: RolloutView): string[] {
  return [
    `  Waiting for approval after wave ${v.waitingWave}. To continue, run in another terminal:`,
    `    tenant approve ${v.rolloutId}`,
    `  To stop here: tenant reject ${v.rolloutId}   (add --rollback to roll wave ${v.waitingWave} back)`,
  ];
}

/**
 * Shows a running rollout until `done` settles: on a terminal, a live block redrawn in place;
 * piped, one plain line per change. With --json, nothing but the manual-gate hint (on stderr).
 */
export async function follow(controlPlane: ControlPlane, rolloutId: string, io: Io, json: boolean, done: Promise<unknown>): Promise<RolloutView> {
  let finished = false;
  done.then(() => (finished = true), () => (finished = true));
  const seen = new Map<string, string>();
  let drawn = 0;
  let lastGate: number | null = null;
  let view = await controlPlane.rolloutView(rolloutId);
  const live = io.isTTY && !json;
  for (;;) {
    view = await controlPlane.rolloutView(rolloutId);
    if (live) {
      const lines = describeRollout(view);
      io.out((drawn ? `\x1b[${drawn}F\x1b[J` : '') + lines.join('\n') + '\n');
      drawn = lines.length;
    } else {
      for (const w of view.waves) {
        for (const t of w.tenants) {
          const key = `${w.wave}/${t.tenantId}`;
          if (t.status !== 'PENDING' && seen.get(key) !== t.status) {
            seen.set(key, t.status);
            if (!json) io.out(`wave ${w.wave}  ${t.tenantId}  ${t.status}  ${dash(t.fromVersion)} → ${t.toVersion}${t.reason ? `  (${t.reason})` : ''}\n`);
          }
        }
      }
      if (view.status === 'WAITING_APPROVAL' && lastGate !== view.waitingWave) {
        (json ? io.err : io.out)(gateLines(view).map((l) => l.trim()).join('\n') + '\n');
      }
    }
    lastGate = view.status === 'WAITING_APPROVAL' ? view.waitingWave : null;
    if (finished) break;
    await Promise.race([new Promise((r) => setTimeout(r, 200)), done.catch(() => undefined)]);
  }
  return view;
}
