import { simpleWords, tokenizeShell, topLevelCommands } from '../../src/migrate/shell';

const words = (script: string) => tokenizeShell(script)!.filter(token => token.type === 'word').map(token => token.value);
const commands = (script: string) => topLevelCommands(tokenizeShell(script)!)!
  .map(command => [command.separator?.value, script.slice(command.start, command.end)]);

describe('tokenizeShell', () => {
  test('removes quotes and escapes, and keeps offsets into the script', () => {
    const script = 'curl -d \'\' -H "a b" x\\ y "it\'s"';
    expect(words(script)).toEqual(['curl', '-d', '', '-H', 'a b', 'x y', 'it\'s']);
    const tokens = tokenizeShell(script)!;
    expect(tokens.map(token => script.slice(token.start, token.end))).toEqual(['curl', '-d', '\'\'', '-H', '"a b"', 'x\\ y', '"it\'s"']);
  });

  test('marks expansions as dynamic and keeps $(...) whole', () => {
    const tokens = tokenizeShell('kill $(pidof envoy) "$HOME" ${X:-1} `id` $ 5')!;
    expect(tokens.map(token => [token.raw, token.dynamic])).toEqual([
      ['kill', false], ['$(pidof envoy)', true], ['"$HOME"', true], ['${X:-1}', true], ['`id`', true], ['$', false], ['5', false],
    ]);
  });

  test('reads operators, redirections with their descriptor, comments and line continuations', () => {
    const tokens = tokenizeShell('a && b || c; d | e & f 2>&1 >/dev/null # done; g\nh \\\n i')!;
    expect(tokens.map(token => `${token.type}:${token.value === '\n' ? '\\n' : token.value}`)).toEqual([
      'word:a', 'op:&&', 'word:b', 'op:||', 'word:c', 'op:;', 'word:d', 'op:|', 'word:e', 'op:&', 'word:f',
      'redirect:2>&', 'word:1', 'redirect:>', 'word:/dev/null', 'op:\\n', 'word:h', 'word:i',
    ]);
  });

  test('gives up on here-documents and unbalanced quotes', () => {
    expect(tokenizeShell('cat <<EOF\nx\nEOF')).toBeUndefined();
    expect(tokenizeShell('echo "open')).toBeUndefined();
    expect(tokenizeShell('echo \'open')).toBeUndefined();
    expect(tokenizeShell('echo $(open')).toBeUndefined();
  });
});

describe('topLevelCommands', () => {
  test('splits at ; && & and newlines, not inside parentheses or quotes', () => {
    expect(commands('a; b && c\nd & e || f')).toEqual([[undefined, 'a'], [';', 'b'], ['&&', 'c'], ['\n', 'd'], ['&', 'e || f']]);
    expect(commands('(a; b) && echo "x; y"')).toEqual([[undefined, '(a; b)'], ['&&', 'echo "x; y"']]);
  });

  test('an operator followed by newlines is the separator', () => {
    expect(commands('a &&\n\n  b;\n\nc')).toEqual([[undefined, 'a'], ['&&', 'b'], [';', 'c']]);
  });

  test('unbalanced parentheses give up', () => {
    expect(topLevelCommands(tokenizeShell('a )')!)).toBeUndefined();
    expect(topLevelCommands(tokenizeShell('( a')!)).toBeUndefined();
  });
});

test('simpleWords skips redirections and refuses pipelines', () => {
  expect(simpleWords(tokenizeShell('curl -s x >/dev/null 2>&1')!)!.map(word => word.value)).toEqual(['curl', '-s', 'x']);
  expect(simpleWords(tokenizeShell('curl x | sh')!)).toBeUndefined();
});
