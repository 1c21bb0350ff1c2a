/** Runs `run` and returns its result with everything it wrote to `stream` meanwhile. */
export function captureWrites<T>(stream: NodeJS.WriteStream, run: () => T): { result: T; written: string } {
  const chunks: string[] = [];
  const spy = jest.spyOn(stream, 'write').mockImplementation((chunk) => chunks.push(String(chunk)) > 0);
  try {
    return { result: run(), written: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}
