"""Character-level edits of the conformance outputs as a results file:
python3 fuzz2.py SEED OUT.jsonl COPIES [MAX_EDITS]. See harness.py."""
import json, os, random, sys
rng = random.Random(int(sys.argv[1]))
alphabet = list('()[]{},=:.\'"+-*/%@&|^~<>!#\\ \n\t_0123456789eExjJabrufBRUF;`') + ['lambda ', ' for ', ' in ', ' if ', ' else ', '**', '//', '...', 'True', 'None', 'not ', ' and ', ':=', '\\n', '\\x4', '\\u00e9', "'''", '"""', 'é', '北', '\u00a0', '0x', '0o', '1_0', '1.e', 'b\'', 'f\'{']
out = open(sys.argv[2], 'w')
for line in open(os.path.join(os.environ.get('BFCL_DATA', os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../../../shared/bfcl')), 'conformance/public.jsonl')):
    d = json.loads(line)
    for _ in range(int(sys.argv[3])):
        t = d['result']
        for _ in range(rng.randint(1, int(sys.argv[4]) if len(sys.argv) > 4 else 3)):
            if not t: t = rng.choice(alphabet); continue
            i = rng.randrange(len(t) + 1)
            r = rng.random()
            if r < 0.45: t = t[:i] + rng.choice(alphabet) + t[i:]
            elif r < 0.8: t = t[:i] + t[i + 1:]
            else:
                j = rng.randrange(len(t) + 1); a, b = min(i, j), max(i, j); t = t[:a] + t[b:] + t[a:b]
        out.write(json.dumps({'id': d['id'], 'result': t}, ensure_ascii=False) + '\n')
