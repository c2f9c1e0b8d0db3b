/** Does nothing: the benchmark's baseline for what a bare workflow start costs on this server. */
export async function noopWorkflow(): Promise<void> {}
