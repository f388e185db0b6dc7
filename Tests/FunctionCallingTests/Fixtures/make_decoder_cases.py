"""Reference outputs for the Python-call decoder test (PythonDecoderReferenceTests.swift).

Uses CPython's own ast.parse / ast.unparse / eval as the independent reference for the parts the
Swift decoder reimplements (tokenizer, parser, unparser, binary-operation evaluation), and applies
the value rules of BFCL_CHECKER.md section 2 (written from that spec, not copied from BFCL):
keyword arguments only, unary operator on a constant -> negated constant, BinOp -> eval of its
unparsed text, bare name -> its id, call without keywords -> unparsed text, call with keywords ->
{name: args}, subscript -> unparse(value) + "[" + unparse(slice) + "]", anything else fails.

Run with CPython 3.11:  python3 make_decoder_cases.py > decoder_cases.jsonl
"""
import ast
import json


def call_name(func):
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


def call(node):
    args = {}
    for k in node.keywords:
        args[k.arg] = value(k.value)
    return {call_name(node.func): args}


def value(node):
    if isinstance(node, ast.Constant):
        return "..." if node.value is Ellipsis else node.value
    if isinstance(node, ast.UnaryOp):
        return -node.operand.value
    if isinstance(node, ast.List):
        return [value(v) for v in node.elts]
    if isinstance(node, ast.Dict):
        return {value(k): value(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.BinOp):
        return eval(ast.unparse(node), {})
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return ast.unparse(node) if not node.keywords else call(node)
    if isinstance(node, ast.Tuple):
        return tuple(value(v) for v in node.elts)
    if isinstance(node, ast.Subscript):
        return ast.unparse(node.value) + "[" + ast.unparse(node.slice) + "]"
    raise ValueError(type(node).__name__)


def decode(raw):
    text = raw.strip("`\n ")
    if not text.startswith("["):
        text = "[" + text
    if not text.endswith("]"):
        text = text + "]"
    body = ast.parse(text.strip().strip("'"), mode="eval").body
    if isinstance(body, ast.Call):
        return [call(body)]
    out = []
    for e in body.elts:
        assert isinstance(e, ast.Call)
        out.append(call(e))
    return out


def tag(v):
    """Typed JSON so that int/float/bool/tuple survive the trip to Swift."""
    if isinstance(v, bool):
        return {"bool": v}
    if isinstance(v, int):
        return {"int": str(v)}
    if isinstance(v, float):
        return {"float": repr(v)}
    if isinstance(v, complex):
        return {"complex": [repr(v.real), repr(v.imag)]}
    if isinstance(v, str):
        return {"str": v}
    if isinstance(v, bytes):
        return {"bytes": list(v)}
    if v is None:
        return {"none": None}
    if isinstance(v, list):
        return {"list": [tag(x) for x in v]}
    if isinstance(v, tuple):
        return {"tuple": [tag(x) for x in v]}
    if isinstance(v, dict):
        return {"dict": [[tag(k), tag(x)] for k, x in v.items()]}
    raise TypeError(type(v))


VALUES = [
    "1", "-1", "+4", "~5", "not True", "-True", "--1", "-(1)", "-'a'", "-None", "-x", "-1.5", "1e3", "1E-3",
    "0x10", "0o17", "0b101", "1_000", "1_000.5", "0_0", "00", "01", ".5", "5.", "1.e5", "2j", "1+2j", "-2j",
    "10**2", "2**-1", "7/2", "7//2", "-7//2", "7%3", "-7%3", "7.5%2", "-7.5//2", "1<<3", "5>>1", "6&3", "6|3",
    "6^3", "True+1", "True&False", "'a'+'b'", "'ab'*3", "3*'ab'", "[1]+[2]", "(1,)+(2,)", "[0]*3", "b'a'+b'b'",
    "1/0", "x+1", "2**0.5", "(-8)**0.5", "1.5*2", "2-3.5", "'%s' % 1", "[1]*-1",
    "'x'", '"x"', "'''x'''", '"""a\nb"""', "'it\\'s'", "\"say \\\"hi\\\"\"", "'\\n\\t\\x41\\u00e9\\101'", "r'\\n'",
    "R'a\\'b'", "u'x'", "b'x'", "rb'\\x00'", "'a' 'b'", "'a' \"b\" '''c'''", "'a' b'b'", "f'{x}'", "'a' f'b'",
    "'\\q'", "'\\N{EM DASH}'", "'café'", "'北京'", "''", "\"\"",
    "True", "False", "None", "true", "false", "null", "...", "x", "x.y", "a[0]", "a[1:2]", "a[1, 2]",
    "a[::2]", "a['k']", "(a+b)[0]", "f(1)[0]", "g()", "g(1, 'a')", "g( 1 ,2 )", "g(x=1)", "g(1, y=2)", "m.g(x=[1])",
    "g(*a)", "g(**k)", "g(h(1))", "g(lambda: 1)", "lambda x: x", "[1, 'a', None]", "[]", "[[1, 2], [3]]",
    "[x, y]", "[-1, +2]", "(1, 2)", "()", "(1,)", "((1, 2),)", "{}", "{'a': 1}", "{'a': 1, 'a': 2}", "{1: 'x', 1.0: 'y'}",
    "{True: 1, 1: 2}", "{'k': true}", "{'k': [1, {'n': None}]}", "{(1, 2): 'p'}", "{[1]: 2}", "{**d}", "{1, 2}",
    "[i for i in x]", "x if y else z", "a < b", "a and b", "(x := 1)", "*a", "[*a]", "await x",
    "1 if 2 else 3", "print", "float('inf')", "1e400", "-1e400", "12345678901234567", "0.1+0.2", "1e16", "1.5e-7",
    "'\\x41' 'b'", "'''it's'''", "'a\\\nb'", "[1,\n2]", "{'a':\n1}", "# c\n1",
]

TOPLEVEL = [
    "f(a=1)", "[f(a=1)]", "[f(a=1), g(b=2)]", "f(a=1), g(b=2)", "(f(a=1), g(b=2))", "{f(a=1), g(b=2)}",
    "[f(a=1)] # note", "```\n[f(a=1)]\n```", "```python\n[f(a=1)]\n```", "'[f(a=1)]'", "Here: [f(a=1)]",
    "[f(a=1)\ng(b=2)]", "[f(a=1),\ng(b=2)]", "", "[]", "[1, 2]", "[f(a=1), 2]", "[f]", "f", "[f(5)]",
    "[f(5, a=1)]", "[f(a=1, 5)]", "[f(a=1, a=2)]", "[f(**{'a': 1})]", "[f(*[1], a=2)]", "[a.b.c(x=1)]",
    "[a[0].b(x=1)]", "[f()(x=1)]", "['s'.upper(x=1)]", "[f(a=1)][0]", "[f(a=1)] + [g(b=1)]", "[f(a=1),]",
    "[f(a=1),,]", "[f(a=1))]", "[(f(a=1))]", "[f(a=1) ]", " [f(a=1)]", "\t[f(a=1)]", "[f(a=1)]\r\n",
    "[f(a=1)]\n\n", "`[f(a=1)]`", "[f(a=1)];", "[f(a=1); g(b=1)]", "[f(True=1)]", "[f(x.y=1)]",
    "[f(a=1 for x in y)]", "[f(x for x in y)]", "[f(if=1)]", "[f(a=if)]", "[城市(名=1)]", "[f(a='x\ny')]",
    "[f(a='''x\ny''')]", "[f(a=1)] [g(b=2)]", "[f(a=1)]]", "[[f(a=1)]]", "\u00a0[f(a=1)]", "[f(a=1)]\u3000",
    "[f(a=1)\\\n]", "[f(a=1)] \\", "[f(a=0777)]", "[f(a=1abc)]", "[f(a=1if 1 else 2)]", "[f(a=$1)]",
    "[f(a=1)]'", "'f(a=1)'", "''", "'", "[f(a=\"it's\")]", "[f(a=1), g(b=2)],",
    "[ｆ(ｘ=ﬁ, ｉｆ=1)]", "[a.ℌ(x=1)]",
]


def main():
    inputs = ["[f(x=%s)]" % v for v in VALUES] + ["[f(x=1, y=%s, z=2)]" % v for v in VALUES[:40]] + TOPLEVEL
    for raw in inputs:
        try:
            calls = decode(raw)
            out = {"input": raw, "ok": True,
                   "calls": [[name, [[k if k is not None else "**", tag(v)] for k, v in args.items()]]
                             for c in calls for name, args in c.items()]}
        except Exception as e:  # any exception is BFCL's decoder_failed
            out = {"input": raw, "ok": False, "error": type(e).__name__}
        print(json.dumps(out, ensure_ascii=False))


main()
