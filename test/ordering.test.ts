import { startupOrder } from '../src/ordering';

describe('startupOrder', () => {
  test('keeps declaration order when nothing constrains it', () => {
    expect(startupOrder(4, [[], [], [], []])).toEqual({ order: [0, 1, 2, 3], cycles: [] });
  });

  test('moves an entry only as far as its dependencies require', () => {
    // 0 depends on 2; 1 is free: 1 stays ahead of 2 because it was declared first
    expect(startupOrder(4, [[2], [], [], []]).order).toEqual([1, 2, 0, 3]);
  });

  test('chains resolve transitively', () => {
    // 0 after 1, 1 after 2
    expect(startupOrder(3, [[1], [2], []]).order).toEqual([2, 1, 0]);
  });

  test('duplicate edges count once', () => {
    expect(startupOrder(2, [[1, 1], []]).order).toEqual([1, 0]);
  });

  test('reports a cycle from its earliest entry and falls back to declaration order', () => {
    const result = startupOrder(4, [[], [3], [1], [2]]);
    expect(result.order).toEqual([0, 1, 2, 3]);
    expect(result.cycles).toEqual([[1, 3, 2, 1]]);
  });

  test('reports a self-dependency as a cycle of one', () => {
    expect(startupOrder(2, [[], [1]]).cycles).toEqual([[1, 1]]);
  });

  test('reports separate cycles separately', () => {
    const result = startupOrder(4, [[1], [0], [3], [2]]);
    expect(result.cycles).toEqual([[0, 1, 0], [2, 3, 2]]);
  });

  test('an entry waiting on a cycle is not itself reported as one', () => {
    // 2 depends on 0, and 0 <-> 1 form the cycle
    expect(startupOrder(3, [[1], [0], [0]]).cycles).toEqual([[0, 1, 0]]);
  });
});
