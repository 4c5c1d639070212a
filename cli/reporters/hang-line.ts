// One line per campaign record as it is found (and per hang when shards are merged).
import type { HangRecord } from '../../campaign/campaign.ts';

export function hangLine(rec: HangRecord): string {
  return `hang: ${rec.program} on ${rec.target}, seed ${rec.seed} (trial ${rec.trial})  replay: ${rec.replay}\n`;
}

export function errorLine(rec: HangRecord): string {
  return `error: ${rec.program} on ${rec.target}, seed ${rec.seed}: ${rec.error}\n`;
}
