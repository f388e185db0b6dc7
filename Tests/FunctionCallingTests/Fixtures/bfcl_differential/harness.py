"""Differential check of the Swift checker against BFCL's own code (not part of the test run).

BFCL's checker is not vendored: this script loads it from the released wheel, unpacked outside
the repository:

    pip download bfcl-eval==2026.3.23 --no-deps -d /tmp/bfcl && unzip -q /tmp/bfcl/*.whl -d /tmp/bfcl/pkg

then prints BFCL's verdict on every line of a results file ({"id", "result"}), in the same shape
as `launcher bfcl check`:

    python3 fuzz.py 1 20 /tmp/fuzz.jsonl           # mutated renderings of every ground truth
    python3 fuzz2.py 7 /tmp/fuzz2.jsonl 5          # character-level edits of the conformance outputs
    python3 harness.py /tmp/fuzz.jsonl > /tmp/py.jsonl
    .build/release/launcher bfcl check --results /tmp/fuzz.jsonl --data-dir ../shared/bfcl > /tmp/sw.jsonl
    python3 cmp.py /tmp/py.jsonl /tmp/sw.jsonl

Heavy imports of the wheel (model configs, tree-sitter parsers) are stubbed or skipped; the
Python decoder functions are taken from the wheel's model_handler/utils.py at run time.
Environment: BFCL_PKG (default /tmp/bfcl/pkg), BFCL_DATA (default ../shared/bfcl beside the repo).
"""
import sys, types, json, ast, re, os, importlib.util
PKG = os.environ.get('BFCL_PKG', '/tmp/bfcl/pkg')
BFCL_DATA = os.environ.get('BFCL_DATA', os.path.join(os.path.dirname(__file__), '../../../../../shared/bfcl'))
sys.path.insert(0, PKG)
# Stub heavy modules the checker imports.
mc = types.ModuleType('bfcl_eval.constants.model_config')
class Cfg: underscore_to_dot = False
class M(dict):
    def __getitem__(self, k): return Cfg()
mc.MODEL_CONFIG_MAPPING = M()
sys.modules['bfcl_eval.constants.model_config'] = mc
spec = importlib.util.spec_from_file_location('ast_checker', os.path.join(PKG, 'bfcl_eval/eval_checker/ast_eval/ast_checker.py'))
checker = importlib.util.module_from_spec(spec); spec.loader.exec_module(checker)
from bfcl_eval.constants.enums import Language, ReturnFormat
# Decoder functions, taken from utils.py at run time.
src = open(os.path.join(PKG, 'bfcl_eval/model_handler/utils.py')).read()
tree = ast.parse(src)
ns = {'ast': ast, 're': re, 'ReturnFormat': ReturnFormat}
for node in tree.body:
    if isinstance(node, ast.FunctionDef) and node.name in ('ast_parse', 'resolve_ast_call', 'resolve_ast_by_type'):
        exec(compile(ast.Module([node], []), 'utils', 'exec'), ns)
# BFCL_RETURN_FORMAT=json checks BFCL's JSON return format (§2.3) instead of Python syntax.
RETURN_FORMAT = ReturnFormat.JSON if os.environ.get('BFCL_RETURN_FORMAT') == 'json' else ReturnFormat.PYTHON
spec_json = importlib.util.spec_from_file_location('json_parser', os.path.join(PKG, 'bfcl_eval/model_handler/parser/json_parser.py'))
json_parser = importlib.util.module_from_spec(spec_json); spec_json.loader.exec_module(json_parser)
ns['parse_json_function_call'] = json_parser.parse_json_function_call
def decode(result, fmt=None):
    result = result.strip("`\n ")
    if not result.startswith("["): result = "[" + result
    if not result.endswith("]"): result = result + "]"
    return ns['ast_parse'](result, fmt or RETURN_FORMAT, False)
def is_fc(out):
    if not isinstance(out, list): return False
    for item in out:
        if not isinstance(item, dict) or len(item) != 1: return False
        if not isinstance(list(item.values())[0], dict): return False
    return True
def is_empty(out):
    if not is_fc(out): return True
    if len(out) == 0: return True
    if len(out) == 1 and len(out[0]) == 0: return True
    return False
def load(path):
    return {d['id']: d for d in map(json.loads, open(path))}
data, answers = {}, {}
import glob
for f in glob.glob(os.path.join(BFCL_DATA, 'data/*.json')):
    if 'java' in f: continue
    data.update(load(f))
for f in glob.glob(os.path.join(BFCL_DATA, 'possible_answer/*.json')):
    if 'java' in f: continue
    answers.update(load(f))
def check(id, result):
    cat = id.rsplit('_', 1)[0]
    entry = data[id]
    if 'relevance' in cat:
        try:
            d = decode(result, ReturnFormat.PYTHON); contain = not is_empty(d)
        except Exception: contain = False
        if 'irrelevance' in cat:
            return (not contain, '' if not contain else 'irrelevance_error:decoder_success')
        return (contain, '' if contain else 'relevance_error:decoder_failed')
    try:
        d = decode(result)
    except Exception:
        return (False, 'ast_decoder:decoder_failed')
    if not is_fc(d):
        return (False, 'ast_decoder:decoder_wrong_output_format')
    try:
        r = checker.ast_checker(entry['function'], d, answers[id]['ground_truth'], Language.PYTHON, cat, 'gorilla-openfunctions-v2')
    except Exception as e:
        return (None, 'CRASH:' + type(e).__name__)
    return (r['valid'], '' if r['valid'] else r['error_type'])
if __name__ == '__main__':
    n = 0; bad = 0
    for line in open(sys.argv[1]):
        d = json.loads(line); n += 1
        v, e = check(d['id'], d['result'])
        print(json.dumps({'id': d['id'], 'result': d['result'], 'valid': v, 'error_type': e}, ensure_ascii=False))
