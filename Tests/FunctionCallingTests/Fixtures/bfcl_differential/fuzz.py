"""Mutated renderings of every BFCL ground truth (and non-answers for irrelevance tasks) as a
results file: python3 fuzz.py SEED PER_TASK OUT.jsonl. See harness.py."""
import json, os, random, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import data, answers
rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
N_PER = int(sys.argv[2]) if len(sys.argv) > 2 else 20

def lit(v, style):
    if isinstance(v, bool): return rng.choice(['True', 'true']) if v and style == 'js' else ('True' if v else rng.choice(['False', 'false'] if style == 'js' else ['False']))
    if v is None: return rng.choice(['None', 'null']) if style == 'js' else 'None'
    if isinstance(v, int):
        r = rng.random()
        if r < 0.05: return '+%d' % -v if v < 0 else repr(v)
        if r < 0.08: return '%d+0' % v
        if r < 0.1: return hex(v) if v >= 0 else repr(v)
        return repr(v)
    if isinstance(v, float):
        r = rng.random()
        if r < 0.05 and v == int(v): return str(int(v))
        if r < 0.08: return '%e' % v
        return repr(v)
    if isinstance(v, str):
        r = rng.random()
        if r < 0.05: return v if v.isidentifier() else repr(v)
        if r < 0.1: return json.dumps(v)
        if r < 0.13: return "'''" + v.replace("\\", "\\\\").replace("'", "\\'") + "'''"
        return repr(v)
    if isinstance(v, list):
        if rng.random() < 0.05: return '(' + ', '.join(lit(x, style) for x in v) + (',)' if len(v) == 1 else ')')
        return '[' + rng.choice([', ', ',']).join(lit(x, style) for x in v) + ']'
    if isinstance(v, dict):
        return '{' + ', '.join(lit(k, style) + ': ' + lit(x, style) for k, x in v.items()) + '}'
    return repr(v)

def mutate_value(v):
    r = rng.random()
    if isinstance(v, bool): return rng.choice([not v, 1 if v else 0, str(v).lower(), None])
    if isinstance(v, int): return rng.choice([v + 1, float(v), str(v), -v, v * 10, True])
    if isinstance(v, float): return rng.choice([v + 0.5, int(v), str(v), -v, round(v, 1)])
    if isinstance(v, str):
        return rng.choice([v.upper(), v.lower(), v + '!', v.replace(' ', ''), v + ' ', v[:-1], v.replace(',', ';'), 'x' + v,
                           v.title(), v.replace(' ', '_'), v.replace("'", '"'), '', [v], v.replace(' ', '-')])
    if isinstance(v, list):
        opts = [v[::-1], v[:-1], v + v[:1], [], tuple(v), [mutate_value(x) for x in v]]
        return rng.choice(opts)
    if isinstance(v, dict):
        if not v: return {'k': 1}
        k = rng.choice(list(v))
        d = dict(v)
        c = rng.random()
        if c < 0.3: del d[k]
        elif c < 0.6: d[k] = mutate_value(d[k])
        else: d['extra_' + k] = d[k]
        return d
    if v is None: return rng.choice(['None', 0, ''])
    return v

def pick(alts, schema_type, items_type):
    nonempty = [a for a in alts if a != '']
    if not nonempty: return None
    a = rng.choice(nonempty)
    if schema_type == 'dict' and isinstance(a, dict):
        return {k: rng.choice([x for x in vs if x != ''] or [None]) for k, vs in a.items()
                if not ('' in vs and rng.random() < 0.5) and [x for x in vs if x != '']}
    if schema_type == 'array' and items_type == 'dict' and isinstance(a, list):
        return [pick([x], 'dict', None) if isinstance(x, dict) else x for x in a]
    return a

def render_call(name, args, style):
    sep = rng.choice([', ', ',', ' , '])
    eq = rng.choice(['=', '=', ' = '])
    return name + '(' + sep.join(k + eq + lit(v, style) for k, v in args) + ')'

def outputs(tid):
    entry = data[tid]
    funcs = {f['name']: f for f in entry['function']}
    gt = answers.get(tid, {}).get('ground_truth')
    outs = []
    if gt is None:
        f = rng.choice(entry['function']) if entry['function'] else {'name': 'f', 'parameters': {'properties': {}}}
        props = list(f['parameters'].get('properties', {}).items())
        args = [(k, {'string': 'x', 'integer': 1, 'float': 1.5, 'boolean': True}.get(p.get('type'), 'x')) for k, p in props[:2]]
        outs += [render_call(f['name'], args, 'py'), '[' + render_call(f['name'], args, 'py') + ']', '[]', 'No.', '[f()]',
                 'I will call ' + f['name'], '[' + f['name'] + ']', '```\n[' + render_call(f['name'], args, 'py') + ']\n```', '']
        return outs
    for _ in range(N_PER):
        style = rng.choice(['py', 'py', 'py', 'js'])
        calls = []
        for call in gt:
            name, params = next(iter(call.items()))
            f = funcs.get(name, {'parameters': {'properties': {}, 'required': []}})
            props = f['parameters'].get('properties', {})
            args = []
            for p, alts in params.items():
                if '' in alts and rng.random() < 0.4: continue
                st = props.get(p, {}).get('type')
                it = props.get(p, {}).get('items', {}).get('type')
                v = pick(alts, st, it)
                if v is None and not [a for a in alts if a != '']: continue
                args.append((p, v))
            if rng.random() < 0.5: rng.shuffle(args)
            m = rng.random()
            if m < 0.25 and args:
                i = rng.randrange(len(args)); args[i] = (args[i][0], mutate_value(args[i][1]))
            elif m < 0.3 and args:
                del args[rng.randrange(len(args))]
            elif m < 0.35:
                extra = [k for k in props if k not in dict(args)]
                if extra:
                    k = rng.choice(extra); d = props[k].get('default', {'string': 'a', 'integer': 2, 'float': 2.0, 'boolean': False}.get(props[k].get('type'), 'v'))
                    args.append((k, d))
                else:
                    args.append(('unknown_param', 1))
            elif m < 0.38:
                name = rng.choice(list(funcs)) if rng.random() < 0.5 else name.replace('.', '_')
            elif m < 0.4:
                name = name.upper()
            calls.append(render_call(name, args, style))
        m = rng.random()
        if m < 0.05: calls = calls + calls[:1]
        elif m < 0.1 and len(calls) > 1: calls = calls[:-1]
        elif m < 0.3: rng.shuffle(calls)
        elif m < 0.32: calls = calls[::-1]
        text = '[' + rng.choice([', ', ',', ',\n']).join(calls) + ']'
        w = rng.random()
        if w < 0.05: text = '```\n' + text + '\n```'
        elif w < 0.07: text = '```python\n' + text + '\n```'
        elif w < 0.1: text = text[1:-1]
        elif w < 0.12: text = ' ' + text + '\n'
        elif w < 0.14 and len(text) > 3:
            i = rng.randrange(len(text)); text = text[:i] + text[i + 1:]
        elif w < 0.16 and len(text) > 3:
            i = rng.randrange(len(text)); text = text[:i] + rng.choice('()[]{},=\'" .-+\\\n') + text[i:]
        elif w < 0.17: text = 'Answer: ' + text
        elif w < 0.18: text = text.replace(', ', '\n')
        outs.append(text)
    return outs

ids = list(data)
with open(sys.argv[3] if len(sys.argv) > 3 else '/tmp/fuzz.jsonl', 'w') as f:
    for tid in ids:
        for o in outputs(tid):
            f.write(json.dumps({'id': tid, 'result': o}, ensure_ascii=False) + '\n')
