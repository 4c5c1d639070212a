// The --out file of a campaign, checked before the campaign starts: records of a campaign go
// to a file only if it is new, empty, or already holds runs of the same campaign (a re-run or
// a resumed shard, which merge counts once). A file that holds another campaign's records (or
// lines that are not campaign records) is refused unless the user asks to append.
import { statSync } from 'node:fs';
import { FileReadError } from '../isa/source-file.ts';
import { forEachJsonlLine } from './jsonl.ts';
import { classify, type StartRecord } from './records.ts';

/** The --out file cannot take this campaign's records (the message says why and what to do). */
export class OutFileError extends Error {}

/** Checks `path` for the campaign `start`; returns a note to print, or null. */
export function checkOutFile(path: string, start: StartRecord, append: boolean): string | null {
  let st;
  try {
    st = statSync(path);
  } catch {
    return null; // a new file (or one we cannot see: opening it says why)
  }
  if (st.isDirectory()) throw new OutFileError(`--out ${path} is a directory`);
  if (!st.isFile() || st.size === 0) return null; // a device (/dev/null), an empty file
  const add = `add --append to add this campaign (${start.campaign}) to it, or choose another --out`;
  const others = new Map<string, string>();
  let same = 0, legacy = 0, foreign = 0, bad = 0;
  try {
    forEachJsonlLine(path, (l) => {
      if (l.bad !== undefined) bad++; // a partial line of a killed run, or not JSONL at all
      else tally(l.value);
    });
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    if (append) return null;
    throw new OutFileError(`--out ${path} exists and ${e.message.replace(/^cannot read [^:]*: /, 'cannot be read to check what it holds: ')}; ${add}`);
  }
  function tally(value: unknown): void {
    const c = classify(value);
    if (c.kind === 'legacy') legacy++;
    else if (c.kind === 'other') foreign++;
    else if (c.record.campaign === start.campaign) same++;
    else {
      const r = c.record;
      const what = r.type === 'start' || r.type === 'summary' ? `seed ${r.seed}, ${r.trials} trials` : `seed ${r.campaignSeed}`;
      // Prefer the fuller description (a start or summary record says the trial count).
      if (!others.has(r.campaign) || what.includes('trials')) others.set(r.campaign, what);
    }
  }
  // A file of campaign records may end in a partial line; one with no record at all is no
  // campaign's output.
  if (same === 0 && others.size === 0 && legacy === 0) foreign += bad;
  const holds: string[] = [];
  for (const [id, what] of others) holds.push(`records of campaign ${id} (${what})`);
  if (legacy > 0) holds.push(`${legacy} record(s) written by an older hangar`);
  if (foreign > 0) holds.push(`${foreign} line(s) that are not campaign records`);
  if (holds.length > 0) {
    if (append) return `note: appending campaign ${start.campaign} to ${path}, which also holds ${holds.join(', ')}; merge shows each campaign separately`;
    throw new OutFileError(`--out ${path} already holds ${holds.join(', ')}; ${add}`);
  }
  return same > 0 ? `note: ${path} already holds a run of this campaign (${start.campaign}); this run is appended, and merge counts each trial once` : null;
}
