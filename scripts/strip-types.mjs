// A rollup plugin that strips TypeScript types file by file (ts.transpileModule), for builds whose
// sources another step type-checks already: a type-checking build costs seconds per program.
// Per-file transpiling is exact here because tsconfig.json sets isolatedModules. Imports keep
// their `.ts` extensions, which rollup resolves as plain paths.
import ts from 'typescript';

const compilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  verbatimModuleSyntax: true,
  sourceMap: true,
};

export function stripTypes() {
  return {
    name: 'strip-types',
    transform(code, id) {
      if (!id.endsWith('.ts') || id.endsWith('.d.ts')) return null;
      const { outputText, sourceMapText } = ts.transpileModule(code, { fileName: id, compilerOptions });
      return { code: outputText.replace(/\n\/\/# sourceMappingURL=.*$/, ''), map: sourceMapText };
    },
  };
}
