import { gunzipSync } from 'node:zlib';
import { ViewJson } from './viewJson';

describe('ViewJson', () => {
  it('serializes an answer once per view and key; a new view is serialized anew', () => {
    const json = new ViewJson(2);
    const make = jest.fn(() => ({ total: 3 }));
    const view = {};
    const answer = json.get(view, 'status', make);
    expect(answer.json).toBe('{"total":3}');
    expect(json.get(view, 'status', make)).toBe(answer);
    expect(make).toHaveBeenCalledTimes(1);
    // gzipped once, to the same JSON
    expect(answer.gzip()).toBe(answer.gzip());
    expect(gunzipSync(answer.gzip()).toString()).toBe('{"total":3}');
    expect(json.get({}, 'status', make).json).toBe('{"total":3}');
    expect(make).toHaveBeenCalledTimes(2);
  });

  it('keeps at most maxPerView answers per view, dropping the oldest', () => {
    const json = new ViewJson(2);
    const view = {};
    const calls: string[] = [];
    const get = (k: string) =>
      json.get(view, k, () => {
        calls.push(k);
        return k;
      });
    get('a');
    get('b');
    get('c'); // drops a
    get('b');
    get('a');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });
});
