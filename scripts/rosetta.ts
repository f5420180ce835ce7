// jsii-rosetta in strict mode over every TypeScript snippet people read: README.md and the doc
// comments (the assembly's own), and each docs/*.md. A snippet passes when it compiles against
// the built library with the fixtures in rosetta/; then it translates to Python, Java, C# and Go.
//
// jsii-rosetta reads snippets from assemblies only, so each docs/*.md gets a copy of the assembly
// whose README is that page (and no types, so doc comments count once), beside links to lib/,
// rosetta/ and node_modules/. The copies go to a temporary folder outside the repository: every
// `.jsii` under the repository is an assembly to jsii-docgen, and these share the package's name.
// Needs a compiled library (`.jsii`, lib/).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
/** Where jsii-rosetta writes the translations of an assembly's snippets, beside its `.jsii`. */
const TABLET = '.jsii.tabl.json';

interface Source {
  /** What the snippets come from, as people know it: README.md, docs/cli.md. */
  readonly shown: string;
  /** The folder of the assembly jsii-rosetta reads. */
  readonly dir: string;
}

function main(): number {
  const assemblyFile = path.join(ROOT, '.jsii');
  if (!fs.existsSync(assemblyFile) || !fs.existsSync(path.join(ROOT, 'lib', 'index.d.ts'))) {
    throw new Error('.jsii or lib/ is missing: run npx projen compile first');
  }
  const assembly = JSON.parse(fs.readFileSync(assemblyFile, 'utf8'));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-sidecars-rosetta-'));
  try {
    return extract(out, assembly);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function extract(out: string, assembly: any): number {
  // README.md as it is now, not as the last compile copied it into the assembly
  const readme = { markdown: fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8') };
  const sources: Source[] = [stage(out, 'README.md and doc comments', 'README', { ...assembly, readme })];
  const docs = path.join(ROOT, 'docs');
  for (const page of fs.existsSync(docs) ? fs.readdirSync(docs).filter(f => f.endsWith('.md')).sort() : []) {
    const shown = `docs/${page}`;
    const { submodules: _submodules, ...rest } = assembly;
    sources.push(stage(out, shown, page, { ...rest, types: {}, readme: { markdown: fs.readFileSync(path.join(docs, page), 'utf8') } }));
  }

  const rosetta = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'jsii-rosetta'),
    ['extract', '--strict', ...sources.map(s => path.join(s.dir, '.jsii'))], { cwd: ROOT, stdio: 'inherit' });

  let total = 0;
  let failed = 0;
  for (const source of sources) {
    const sourceTablet = path.join(source.dir, TABLET);
    const snippets: any[] = fs.existsSync(sourceTablet) ? Object.values(JSON.parse(fs.readFileSync(sourceTablet, 'utf8')).snippets) : [];
    const bad = snippets.filter(s => !s.didCompile).map(where).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    total += snippets.length;
    failed += bad.length;
    console.log(`rosetta: ${source.shown}: ${snippets.length} snippets, ${bad.length} do not compile${bad.length ? ` (${bad.join(', ')})` : ''}`);
  }
  console.log(`rosetta: ${total} snippets, ${total - failed} compile, ${failed} do not`);
  const ok = rosetta.status === 0 && failed === 0;
  // The README's translations beside .jsii, where jsii-pacmak looks for them: the Python, Java,
  // C# and Go bindings then carry the README in their own language (git-ignored).
  const tablet = path.join(ROOT, TABLET);
  fs.rmSync(tablet, { force: true });
  if (ok) fs.copyFileSync(path.join(sources[0].dir, TABLET), tablet);
  return ok ? 0 : 1;
}

/** Write the assembly for one source into its own folder, with the library and fixtures beside it. */
function stage(out: string, shown: string, folder: string, assembly: any): Source {
  const dir = path.join(out, folder);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.jsii'), JSON.stringify(assembly));
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'lib'), path.join(dir, 'lib'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'rosetta'), path.join(dir, 'rosetta'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { shown, dir };
}

/** A snippet's place: `line 94` in a page, or the type or member whose doc comment holds it. */
function where(snippet: any): string {
  const { api, field } = snippet.location;
  if (api.api === 'moduleReadme') return `line ${field.line}`;
  return [api.fqn, api.memberName].filter(Boolean).join('#');
}

if (require.main === module) {
  try {
    process.exit(main());
  } catch (e) {
    console.error(`rosetta: ${(e as Error).message}`);
    process.exit(2);
  }
}
