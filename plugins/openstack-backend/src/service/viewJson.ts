import { gzipSync } from 'node:zlib';

/** One serialized answer: its JSON, and the same gzipped once it is first asked for. */
export class SerializedAnswer {
  private gzipped?: Buffer;

  constructor(readonly json: string) {}

  /** The JSON gzipped (computed once). */
  gzip(): Buffer {
    this.gzipped ??= gzipSync(this.json);
    return this.gzipped;
  }
}

/**
 * The JSON of answers derived from one cloud view (its status, a page of its hosts), serialized
 * (and compressed) once per view and kept while the view is alive: a view is never changed
 * after it is read, a new read makes a new view, and the entries go with the old one.
 */
export class ViewJson {
  private readonly byView = new WeakMap<
    object,
    Map<string, SerializedAnswer>
  >();

  /** `maxPerView`: distinct answers kept per view (hosts pages: filter × sort × page). */
  constructor(private readonly maxPerView = 256) {}

  /** The answer `make()` for `view` and `key` (which names everything `make` depends on). */
  get(view: object, key: string, make: () => unknown): SerializedAnswer {
    let answers = this.byView.get(view);
    if (!answers) {
      answers = new Map();
      this.byView.set(view, answers);
    }
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = new SerializedAnswer(JSON.stringify(make()));
      if (answers.size >= this.maxPerView) {
        answers.delete(answers.keys().next().value!);
      }
      answers.set(key, answer);
    }
    return answer;
  }
}
