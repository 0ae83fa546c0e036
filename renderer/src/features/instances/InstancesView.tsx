/** Placeholder until sign-in and discovery land (issue: login and discovery). */
export function InstancesView() {
  return (
    <section className="view empty-state" aria-labelledby="instances-title">
      <h1 id="instances-title">Instances</h1>
      <p className="muted">Sign in with IAM Identity Center to see every managed instance across your accounts and regions.</p>
    </section>
  );
}
