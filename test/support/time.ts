/** Waiting in tests: a plain delay, for polling a real process or letting a timestamp move on. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
