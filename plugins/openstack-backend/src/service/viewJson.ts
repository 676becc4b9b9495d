/**
 * The JSON of answers derived from one cloud view (its status, a page of its hosts), serialized
 * once per view and kept while the view is alive: a view is never changed after it is read, a
 * new read makes a new view, and the entries go with the old one.
 */
export class ViewJson {
  private readonly byView = new WeakMap<object, Map<string, string>>();

  /** `maxPerView`: distinct answers kept per view (hosts pages: filter × sort × page). */
  constructor(private readonly maxPerView = 256) {}

  /** The JSON of `make()` for `view` and `key` (which names everything `make` depends on). */
  get(view: object, key: string, make: () => unknown): string {
    let answers = this.byView.get(view);
    if (!answers) {
      answers = new Map();
      this.byView.set(view, answers);
    }
    let json = answers.get(key);
    if (json === undefined) {
      json = JSON.stringify(make());
      if (answers.size >= this.maxPerView) {
        answers.delete(answers.keys().next().value!);
      }
      answers.set(key, json);
    }
    return json;
  }
}
