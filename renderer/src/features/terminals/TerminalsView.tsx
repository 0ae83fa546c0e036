/** Placeholder until tabbed shells land (issue: terminals). */
export function TerminalsView() {
  return (
    <section className="view empty-state" aria-labelledby="terminals-title">
      <h1 id="terminals-title">Terminals</h1>
      <p className="muted">Double-click an instance to open a shell here.</p>
    </section>
  );
}
