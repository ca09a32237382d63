import { formatMinutes } from '../templates/helpers.js';
import type { ReportJson } from '../app/report.js';

/** A share as a percentage with one decimal, "-" when there was nothing to share. */
export function percent(share: number | null): string {
  return share === null ? '-' : `${(share * 100).toFixed(1)} %`;
}

const signed = (share: number | null) => (share === null ? 'new' : `${share >= 0 ? '+' : ''}${(share * 100).toFixed(0)} %`);

/** A titled group of figures, as every human-facing format shows them (terminal, HTML, mail). */
export interface ReportSection {
  title: string;
  rows: [label: string, value: string][];
}

export function reportTitle(r: ReportJson): string {
  const p = r.period;
  return `${p.from} to ${p.to} (${p.timezone}), by ${p.by}${p.policy ? `, policy ${p.policy}` : ''}${p.category ? `, category ${p.category}` : ''}`;
}

/** The report as the terminal shows it: the same figures as `--format json`, grouped as docs/report.md lists them. */
export function reportTable(r: ReportJson): string {
  const lines = [`guichet report ${reportTitle(r)}`];
  for (const s of reportSections(r)) {
    lines.push('', s.title);
    for (const [label, value] of s.rows) lines.push(`  ${label.padEnd(44)} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The report's figures in sections of labelled, formatted values. */
export function reportSections(r: ReportJson): ReportSection[] {
  const sections: ReportSection[] = [];
  const section = (title: string) => sections.push({ title, rows: [] });
  const row = (label: string, value: string) => sections.at(-1)!.rows.push([label, value]);

  section(`Volumes: ${r.volumes.tickets} new ticket(s)`);
  for (const b of r.volumes.buckets) row(b.label, String(b.tickets));
  for (const c of r.volumes.by_category) row(`category ${c.category}`, `${c.tickets} (before: ${c.previous}, ${signed(c.trend)})`);
  for (const c of r.volumes.by_channel) row(`written to ${c.channel}`, String(c.tickets));

  const f = r.first_response;
  section('First answer');
  row('answered / not yet', `${f.answered} / ${f.unanswered}`);
  row('median, p90 (business hours)', `${formatMinutes(f.business_minutes.median)}, ${formatMinutes(f.business_minutes.p90)}`);
  row('median, p90 (elapsed)', `${formatMinutes(f.elapsed_minutes.median)}, ${formatMinutes(f.elapsed_minutes.p90)}`);
  row('within the promise made', `${percent(f.within_promise_share)} (${f.within_promise} of ${f.promised})`);

  const s = r.resolution;
  section('Resolution');
  row('solved', String(s.solved));
  row('median, p90 (business hours)', `${formatMinutes(s.business_minutes.median)}, ${formatMinutes(s.business_minutes.p90)}`);
  row('median, p90 (elapsed)', `${formatMinutes(s.elapsed_minutes.median)}, ${formatMinutes(s.elapsed_minutes.p90)}`);
  row('within the policy target', `${percent(s.within_target_share)} (${s.within_target} of ${s.solved})`);
  for (const l of s.by_level) row(`solved at level ${l.level}`, `${l.solved} (${percent(l.share)})`);
  row('escalated', `${s.escalated} (${percent(s.escalation_rate)} of tickets)`);
  row('first-contact resolution', `${r.first_contact.solved} (${percent(r.first_contact.share)} of solved)`);
  row('reopened', `${r.reopen.reopened} (${percent(r.reopen.rate)} of solved)`);
  row('put on hold', `${r.holds.tickets}, median ${formatMinutes(r.holds.median_minutes)}, p90 ${formatMinutes(r.holds.p90_minutes)}`);

  const q = r.satisfaction;
  section('Satisfaction');
  row('ratings (response rate)', `${q.ratings} (${percent(q.response_rate)} of solved)`);
  row('average', q.average === null ? '-' : `${q.average.toFixed(2)} / 5`);
  row('distribution 1..5', Object.values(q.distribution).join(' / '));
  // The ten most recent here; the JSON and CSV list up to fifty.
  for (const low of q.low.slice(0, 10)) row(`low rating ${low.reference}`, `${low.rating}/5 (${low.category})`);
  if (q.low.length > 10) row('', `and ${q.low.length - 10} more low rating(s): --format json lists them`);

  const t = r.retention;
  section('Retention');
  row('customers / who had written before', `${t.customers} / ${t.returning} (${percent(t.share)})`);
  row('their previous ticket rated 4-5 / 1-3 / not', `${t.previous_rated_4_or_5} / ${t.previous_rated_1_to_3} / ${t.previous_unrated}`);

  if (r.sellers.length > 0) section('Sellers');
  for (const x of r.sellers) {
    row(`${x.seller}${x.name ? ` ${x.name}` : ''}`, `${x.requests} request(s), ${x.answers} answer(s), median ${formatMinutes(x.median_answer_minutes)}, before a chase ${percent(x.answered_before_first_chase_share)}, strikes ${x.strikes}${x.restricted ? ', restricted' : ''}`);
  }
  if (r.agents.length > 0) section('Agents');
  for (const a of r.agents) {
    row(a.name ?? a.agent, `${a.answers} answer(s), ${a.first_answers} first (median ${formatMinutes(a.median_first_answer_business_minutes)}), ${a.solved} solved, rating ${a.average_rating ?? '-'}`);
  }

  const b = r.backlog;
  section(`Backlog now: ${b.open} open ticket(s)`);
  const counts = (c: Record<string, number>) => Object.entries(c).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  row('by status', counts(b.by_status));
  row('by level', counts(b.by_level));
  row('by category', counts(b.by_category));
  row('by age', b.by_age.map((a) => `${a.band} ${a.tickets}`).join(', '));
  row('overdue now', String(b.overdue.total));
  for (const o of b.overdue.oldest) row(`  ${o.reference}`, `${o.late === 'first_answer' ? 'first answer' : 'resolution'} due ${o.due_at ?? '-'} (${o.status}, level ${o.level})`);
  row('first answers due today', String(b.first_answers_due_today));
  row('oldest unanswered', b.oldest_unanswered ? `${b.oldest_unanswered.reference} since ${b.oldest_unanswered.opened_at}` : '-');
  return sections;
}
