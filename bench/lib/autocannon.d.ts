// autocannon ships no types; the bench reads only a few fields of its result.
declare module 'autocannon' {
  function autocannon(options: Record<string, unknown>): Promise<autocannon.Result>;
  namespace autocannon {
    type Result = any;
  }
  export default autocannon;
}
