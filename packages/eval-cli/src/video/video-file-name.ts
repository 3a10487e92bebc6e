/**
 * openvla-oft-style rollout name: `<mode>--task_id=<t>--episode=<trial>--success=<bool>--task=<slug>.gif`,
 * the slug being the lower-cased instruction with non-alphanumerics as `_`, cut at 50 characters.
 */
export function videoFileName(r: {
  readonly mode: string;
  readonly task_id: number;
  readonly trial: number;
  readonly success: boolean;
  readonly status: string;
  readonly task_description: string;
}): string {
  const slug = r.task_description.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 50);
  const outcome = r.status === 'error' ? 'error' : String(r.success);
  return `${r.mode}--task_id=${r.task_id}--episode=${r.trial}--success=${outcome}--task=${slug}.gif`;
}
