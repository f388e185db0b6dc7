"""BFCL JSON-return-format renderings of every ground truth, with mutations, as a results file:
python3 fuzz_json.py SEED OUT.jsonl. Check with BFCL_RETURN_FORMAT=json python3 harness.py and
launcher bfcl check --format json. See harness.py."""
import json, os, random, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import data, answers
rng = random.Random(int(sys.argv[1]))
out = open(sys.argv[2], 'w')
for tid, entry in data.items():
    gt = answers.get(tid, {}).get('ground_truth')
    if gt is None:
        for t in ['[]', 'No', '[{"function": "f", "parameters": {}}]']:
            out.write(json.dumps({'id': tid, 'result': t}, ensure_ascii=False) + '\n')
        continue
    for _ in range(6):
        calls = []
        for call in gt:
            name, params = next(iter(call.items()))
            args = {}
            for p, alts in params.items():
                ne = [a for a in alts if a != '']
                if not ne or ('' in alts and rng.random() < 0.4): continue
                v = rng.choice(ne)
                if isinstance(v, dict): v = {k: next((x for x in vs if x != ''), None) for k, vs in v.items()}
                if isinstance(v, list) and v and isinstance(v[0], dict):
                    v = [{k: next((x for x in vs if x != ''), None) for k, vs in d.items()} for d in v]
                args[p] = v
            c = {'function': name, 'parameters': args}
            m = rng.random()
            if m < 0.05: c = {'name': name, 'arguments': args}
            elif m < 0.08: c['parameters'] = list(args.values())
            elif m < 0.1: c['parameters'] = json.dumps(args)
            elif m < 0.2 and args:
                k = rng.choice(list(args)); v = args[k]
                args[k] = rng.choice([str(v), [v], None, 1.5, True, {'k': v}])
            calls.append(c)
        text = json.dumps(calls, ensure_ascii=False, indent=rng.choice([None, 2]))
        w = rng.random()
        if w < 0.1: text = 'Here you go:\n```json\n' + text + '\n```'
        elif w < 0.15: text = text[:-1]
        elif w < 0.2: text = json.dumps(calls[0])
        elif w < 0.25: text = text.replace('"', "'")
        out.write(json.dumps({'id': tid, 'result': text}, ensure_ascii=False) + '\n')
