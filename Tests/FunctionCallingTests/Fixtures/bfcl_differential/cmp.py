"""Compares two verdict files (BFCL via harness.py, Swift via launcher bfcl check) line by line."""
import json, collections, sys
a=[json.loads(l) for l in open(sys.argv[1])]; b=[json.loads(l) for l in open(sys.argv[2])]
assert len(a)==len(b)
crash=sum(1 for x in a if x['valid'] is None)
dis=[(x,y) for x,y in zip(a,b) if x['valid'] is not None and (x['valid']!=y['valid'] or x['error_type']!=y['error_type'])]
print('cases', len(a), 'python crashes', crash, 'disagreements', len(dis))
print(collections.Counter((x['error_type'], y['error_type']) for x,y in dis).most_common(20))
for x,y in dis[:25]: print(x['id'], repr(x['result'])[:250], 'PY', x['error_type'], 'SW', y['error_type'])
