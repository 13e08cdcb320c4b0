// placeholder until the action entry lands
export async function run(): Promise<void> {}
await run();
