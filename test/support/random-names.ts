/**
 * The seeded PRNG and the name pools behind random-profile.ts.
 *
 * Names matter to pprof's output: ShortenFunctionName treats Go, C++ and Java
 * names differently, `.`/`::` break DOT labels into lines, `[...]` becomes
 * `[…]`, quotes and backslashes are escaped, file names go through
 * filepath.Clean and trimPath, and the first mapping's file names the graph.
 * These pools cover each of those cases, including awkward ones.
 */

/** A small deterministic PRNG (mulberry32) with the helpers the generator uses. */
export interface Rng {
  /** Uniform in [lo, hi). */
  float(lo: number, hi: number): number;
  /** Uniform integer in [lo, hi], inclusive; exact for bounds below 2^53. */
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A new array with the items in random order. */
  shuffle<T>(items: readonly T[]): T[];
  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string;
}

/** A PRNG whose sequence depends only on `seed` (any finite number). */
export function seededRng(seed: number): Rng {
  let state = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32) ^ 0x9e3779b9) >>> 0;
  const next32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const unit = (): number => (next32() * 2 ** 21 + (next32() >>> 11)) / 2 ** 53;
  const rng: Rng = {
    float: (lo, hi) => lo + unit() * (hi - lo),
    int: (lo, hi) => lo + Math.floor(unit() * (hi - lo + 1)),
    chance: (p) => unit() < p,
    pick: (items) => items[Math.floor(unit() * items.length)],
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(unit() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    hex: (bytes) => Array.from({ length: bytes }, () => (next32() & 0xff).toString(16).padStart(2, '0')).join(''),
  };
  return rng;
}

const WORDS = ['handle', 'process', 'encode', 'decode', 'parse', 'serve', 'flush', 'compute', 'hash', 'alloc', 'sort', 'merge', 'read', 'write', 'scan', 'lookup', 'insert', 'render', 'validate', 'marshal', 'dial', 'wait', 'run', 'step'];
const TYPES = ['Server', 'Cache', 'Decoder', 'Encoder', 'conn', 'node', 'Tree', 'Buffer', 'worker', 'Pool', 'Map'];
const GO_PACKAGES = [
  'main', 'main', 'runtime', 'sync', 'net/http', 'encoding/json', 'compress/flate',
  'github.com/acme/shop/internal/billing', 'github.com/acme/shop/v2/cart', 'gopkg.in/yaml.v3',
  'example.com/mod/v12/pkg', 'k8s.io/client-go/tools/cache', 'go.uber.org/zap/zapcore', 'pkg/v2/sub',
  'github.com/x/y', 'golang.org/x/net/http2',
];
const CPP_NAMESPACES = ['std', 'absl', 'tensorflow', 'base', 'net::http', 'std::__1'];
const JAVA_PACKAGES = ['com.example.service', 'java.util.concurrent', 'org.apache.kafka.clients', 'io.netty.channel', 'java.lang'];
const ODD_NAMES = [
  'main.with"quote', 'main.back\\slash', 'main.spa ce', 'main.héllo', '日本.関数', 'main.Map[...]',
  'main.(*T[...]).M', '', 'x', '_start', 'malloc', 'operator new(unsigned long)', '__libc_start_main',
  'a.b.c.d.e.f.g.h', `main.${'long'.repeat(40)}`, 'runtime.goexit', 'runtime.main', 'runtime.mallocgc',
];

function capitalize(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

function goName(rng: Rng, i: number): string {
  const pkg = rng.pick(GO_PACKAGES);
  const fn = rng.pick(WORDS) + (rng.chance(0.5) ? i : '');
  const T = rng.pick(TYPES);
  switch (rng.int(0, 7)) {
    case 0:
      return `${pkg}.${capitalize(fn)}`;
    case 1:
      return `${pkg}.(*${T}).${capitalize(fn)}`;
    case 2:
      return `${pkg}.${T}.${fn}`;
    case 3:
      return `${pkg}.${fn}.func${rng.int(1, 3)}`;
    case 4:
      return `${pkg}.(*${T}).${fn}.func${rng.int(1, 2)}.${rng.int(1, 2)}`;
    case 5:
      return `${pkg}.${capitalize(fn)}[...]`;
    case 6:
      return `${pkg}.init.${rng.int(0, 2)}`;
    default:
      return `main.f${i}`;
  }
}

function cppName(rng: Rng): string {
  const ns = rng.pick(CPP_NAMESPACES);
  const C = rng.pick(TYPES).replace(/^./, (c) => c.toUpperCase());
  const m = rng.pick(WORDS);
  switch (rng.int(0, 5)) {
    case 0:
      return `${ns}::${C}::${m}`;
    case 1:
      return `(anonymous namespace)::${C}::${m}`;
    case 2:
      return `${ns}::${C}<int, std::allocator<int> >::${m}(int, char const*)`;
    case 3:
      return `${ns}::${C}::~${C}()`;
    case 4:
      return `${C}::${m}(std::string const&) const`;
    default:
      return `${m}_${rng.int(0, 99)}`;
  }
}

function javaName(rng: Rng): string {
  const pkg = rng.pick(JAVA_PACKAGES);
  const C = rng.pick(TYPES).replace(/^./, (c) => c.toUpperCase());
  const m = rng.pick(WORDS);
  switch (rng.int(0, 4)) {
    case 0:
      return `${pkg}.${C}.${m}`;
    case 1:
      return `${pkg}.${C}$Inner.<init>`;
    case 2:
      return `${pkg}.${C}.lambda$${m}$0`;
    case 3:
      return `${pkg}.${C}.${m}$${rng.int(1, 3)}`;
    default:
      return `${pkg}.${C}.${m}(${pkg}.${C}.java:${rng.int(1, 999)})`;
  }
}

/** A function name in the given style; 'mixed' draws from all, plus awkward names. */
export function randomFunctionName(rng: Rng, style: 'go' | 'cpp' | 'java' | 'mixed', i: number): string {
  const s = style === 'mixed' ? rng.pick(['go', 'cpp', 'java', 'odd'] as const) : rng.chance(0.02) ? 'odd' : style;
  if (s === 'go') return goName(rng, i);
  if (s === 'cpp') return cppName(rng);
  if (s === 'java') return javaName(rng);
  return rng.pick(ODD_NAMES);
}

/** A source file name that fits the function name, sometimes empty or odd. */
export function randomSourceFile(rng: Rng, name: string): string {
  const w = rng.pick(WORDS);
  if (rng.chance(0.05)) return '';
  if (rng.chance(0.05)) return rng.pick(['/proc/self/cwd/./src/x.cc', '/proc/self/cwd/lib/y.go', 'src/../lib/z.go', './rel.go', '/a b/c"d.go', 'C:\\src\\win.go', '//double//slash.go']);
  if (name.includes('::')) return `/usr/include/c++/12/bits/${w}.h`;
  if (/^[a-z]+\.[a-z.]+\.[A-Z]/.test(name)) return `${w[0].toUpperCase()}${w.slice(1)}.java`;
  const slash = name.lastIndexOf('/');
  const pkg = slash >= 0 ? name.slice(0, name.indexOf('.', slash)) : name.slice(0, Math.max(0, name.indexOf('.')));
  if (pkg === 'runtime' || pkg === 'sync') return `/usr/lib/go-1.19/src/${pkg}/${w}.go`;
  if (pkg.includes('.')) return `/home/dev/go/pkg/mod/${pkg}@v1.2.3/${w}.go`;
  return `/src/app/${pkg || 'main'}/${w}.go`;
}

/** A mapping file name: binaries, shared libraries, pseudo-files, URLs, empty. */
export function randomMappingFile(rng: Rng): string {
  return rng.pick([
    '/usr/local/bin/server', '/usr/local/bin/server', '/app/bin/api-gateway', '/tmp/go-build123/b001/exe/main',
    '/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/libstdc++.so.6.0.30', '[vdso]', '', 'https://example.com/app.wasm',
    '/opt/my app/bin/tool', 'relative/bin/x', '/bin/with"quote',
  ]);
}
