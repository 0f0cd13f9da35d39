// Collect what a generator logs (yeoman-test's onGenerator hook), to assert on the facts it prints.
export function captureLog(lines: string[]) {
  return (gen: unknown) => {
    const g = gen as { log: (message: string) => void };
    const original = g.log;
    g.log = Object.assign((message: string) => {
      lines.push(message);
      return original(message);
    }, original);
  };
}
