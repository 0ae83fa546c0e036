/** Placeholder until tunnels land (issue: tunnels). */
export function TunnelsView() {
  return (
    <section className="view empty-state" aria-labelledby="tunnels-title">
      <h1 id="tunnels-title">Tunnels</h1>
      <p className="muted">Port forwards, RDP and database tunnels will be listed here.</p>
    </section>
  );
}
