"""Independent implementation of DRAW-SPEC.md ssj-draw/1, Python stdlib only."""
import hashlib, json, sys, datetime

M = 0xFFFFFFFF

class Xor4096:
    def __init__(self, seed: str):
        s = [ord(c) for c in seed] + [0]
        L = len(s); limit = max(128, L)
        X = [0] * 128; v = 0; zeros = 0; w = None
        for j in range(-32, limit):
            v ^= s[(j + 32) % L]
            if j == 0: w = v
            v ^= (v << 10) & M; v ^= v >> 15; v ^= (v << 4) & M; v ^= v >> 13
            if j >= 0:
                w = (w + 0x61c88647) & M
                X[j % 128] ^= (v + w) & M
                zeros = zeros + 1 if X[j % 128] == 0 else 0
        if zeros >= 128: X[L % 128] = M
        i = 127
        for _ in range(512):
            v = X[(i + 34) % 128]; i = (i + 1) % 128; t = X[i]
            v ^= (v << 13) & M; t ^= (t << 17) & M; v ^= v >> 15; t ^= t >> 12
            X[i] = v ^ t
        self.X, self.i, self.w = X, i, w
    def next(self):
        self.w = (self.w + 0x61c88647) & M
        X = self.X
        v = X[(self.i + 34) % 128]; self.i = (self.i + 1) % 128; t = X[self.i]
        v ^= (v << 13) & M; t ^= (t << 17) & M; v ^= v >> 15; t ^= t >> 12
        v ^= t; X[self.i] = v
        w = self.w
        return (v + (w ^ (w >> 16))) & M
    def below(self, n):
        limit = 2**32 - (2**32 % n)
        while True:
            u = self.next()
            if u < limit: return u % n

def shuffle(a, steps, rng):
    for i in range(steps):
        j = i + rng.below(len(a) - i)
        a[i], a[j] = a[j], a[i]

def sha_hex(b: bytes) -> str: return hashlib.sha256(b).hexdigest()

def canonical_key(sources):
    key = ''
    for src in sources:
        if 'numbers' in src:
            vals = sorted((int(x) for x in src['numbers']))
            vals = [str(x) for x in vals]
        else:
            vals = sorted(x.lower() for x in src['values'])
        for v in vals: key += v + '.'
        key += '/'
    return key

def resolve_seed(task_id, seed, phase):
    key = canonical_key(seed['sources'])
    reveal = ''
    verified = False
    if 'commitment' in seed:
        assert hashlib.sha256(bytes.fromhex(seed['reveal'])).hexdigest() == seed['commitment']
        reveal = seed['reveal']; verified = True
    text = f"ssj-draw/1\n{task_id}\n{phase}\n{key}\n{reveal}"
    return {'canonicalKey': key, 'commitmentVerified': verified, 'derivedKey': sha_hex(text.encode('utf-8'))}

def stream(key, label): return Xor4096(sha_hex((key + label).encode('utf-8')))

def u8key(s): return s.encode('utf-8')

def opt(e, f):
    v = e.get(f)
    return '' if v is None else v

def pool_text(pool):
    out = 'ssj-pool/1\n'
    for e in sorted(pool, key=lambda e: u8key(e['creditCode'])):
        rosters = ','.join(sorted(e.get('specialRosters') or [], key=u8key))
        out += '\t'.join([e['creditCode'], e['status'], opt(e, 'riskClass'), opt(e, 'industry'), opt(e, 'region'), rosters, opt(e, 'lastInspectedOn'), opt(e, 'addressKey')]) + '\n'
    return out

def meets(e, where):
    for attr, lst in where.items():
        if attr == 'riskClass' or attr == 'region':
            v = opt(e, attr)
            if v == '' or v not in lst: return False
        elif attr == 'industry':
            v = opt(e, attr)
            if v == '' or not any(v.startswith(p) for p in lst): return False
        elif attr == 'specialRoster':
            if not any(r in lst for r in (e.get('specialRosters') or [])): return False
        else: raise ValueError(attr)
    return True

def minus_days(iso, n):
    return (datetime.date.fromisoformat(iso) - datetime.timedelta(days=n)).isoformat()

def quota_for(q, n):
    if 'count' in q: k = q['count']
    else:
        ppm = round(q['ratio'] * 10**6)
        k = (ppm * n + 500000) // 1000000
    if 'min' in q: k = max(k, q['min'])
    if 'max' in q: k = min(k, q['max'])
    return k

def eligible(ins, a, date, entity, loads, recused=(), on_team=()):
    if ins['status'] != '有效': return 'inactiveStatus'
    if not any(c['validFrom'] <= date <= c['validUntil'] for c in ins['certificates']): return 'noValidCertificate'
    if ins['department'] not in a['allowedDepartments']: return 'department'
    if not all(q in ins['qualifications'] for q in a['requiredQualifications']): return 'qualification'
    code = entity['creditCode']
    if code in (ins.get('conflicts') or []) or code in (ins.get('relationCodes') or []): return 'conflict'
    if opt(entity, 'addressKey') != '' and opt(entity, 'addressKey') == opt(ins, 'addressKey'): return 'conflict'
    if ins['id'] in recused: return 'recused'
    if ins['id'] in on_team: return 'onTeam'
    if loads.get(ins['id'], 0) >= a['maxAssignmentsPerInspector']: return 'loadLimit'
    return None

def draw(inp):
    seed = resolve_seed(inp['taskId'], inp['seed'], 'entities')
    text = pool_text(inp['pool'])
    canon = sorted(inp['pool'], key=lambda e: u8key(e['creditCode']))
    W = (inp.get('exclusions') or {}).get('repeatWindowDays', 0)
    cutoff = minus_days(inp['inspectionDate'], W) if W > 0 else None
    strata = inp['strata']
    members = [[] for _ in strata]; counts = [dict(matched=0, excludedInactive=0, excludedRecent=0, drawable=0) for _ in strata]
    unstrat = 0
    for p, e in enumerate(canon):
        s = next((k for k, st in enumerate(strata) if meets(e, st['where'])), None)
        if s is None: unstrat += 1; continue
        counts[s]['matched'] += 1
        if e['status'] != '存续': counts[s]['excludedInactive'] += 1
        elif cutoff is not None and opt(e, 'lastInspectedOn') != '' and e['lastInspectedOn'] > cutoff: counts[s]['excludedRecent'] += 1
        else: counts[s]['drawable'] += 1; members[s].append(p)
    results = []; selected = []
    for s, st in enumerate(strata):
        m = members[s]; n = len(m)
        q = quota_for(st['quota'], n); k = min(q, n); alt = min(st.get('alternates', 0), n - k)
        if k + alt > 0: shuffle(m, k + alt, stream(seed['derivedKey'], 'entities/' + st['id']))
        results.append(dict(id=st['id'], **counts[s], quota=q, capped=q > n,
                            selected=[canon[x]['creditCode'] for x in m[:k]], alternates=[canon[x]['creditCode'] for x in m[k:k + alt]]))
        selected += [(x, st['id']) for x in m[:k]]
    rec = dict(spec='ssj-draw/1', seed=seed, pool=dict(digest=sha_hex(text.encode('utf-8')), size=len(canon),
               drawable=sum(c['drawable'] for c in counts), excludedInactive=sum(c['excludedInactive'] for c in counts),
               excludedRecent=sum(c['excludedRecent'] for c in counts), unstratified=unstrat, recentCutoff=cutoff),
               strata=results, assignment=None, recusals=[])
    a = inp.get('assignment')
    if a:
        aseed = resolve_seed(inp['taskId'], a.get('seed') or inp['seed'], 'inspectors')
        roster = sorted(a['inspectors'], key=lambda i: u8key(i['id']))
        date = inp['inspectionDate']
        E = sum(1 for ins in roster if eligible(ins, a, date, {'creditCode': ''}, {}) in (None,))
        assert E * a['maxAssignmentsPerInspector'] >= a['teamSize'] * len(selected)
        order = sorted(selected)
        shuffle(order, len(order), stream(aseed['derivedKey'], 'assignment/order'))
        loads = {}; teams = []
        for p, sid in order:
            e = canon[p]
            L = [ins['id'] for ins in roster if eligible(ins, a, date, e, loads) is None]
            assert len(L) >= a['teamSize'], e['creditCode']
            shuffle(L, a['teamSize'], stream(aseed['derivedKey'], 'inspectors/' + e['creditCode']))
            team = L[:a['teamSize']]
            for i in team: loads[i] = loads.get(i, 0) + 1
            teams.append(dict(creditCode=e['creditCode'], stratumId=sid, inspectors=team))
        rec['assignment'] = dict(seed=aseed, teamSize=a['teamSize'], teams=teams)
    return rec, text

def recuse(inp, rec, req):
    a = inp['assignment']; date = inp['inspectionDate']
    aseed = resolve_seed(inp['taskId'], a.get('seed') or inp['seed'], 'inspectors')
    teams = {t['creditCode']: list(t['inspectors']) for t in rec['assignment']['teams']}
    for r in rec['recusals']:
        t = teams[r['creditCode']]; t[t.index(r['inspectorId'])] = r['replacement']
    code = req['creditCode']; team = teams[code]
    loads = {}
    for t in teams.values():
        for i in t: loads[i] = loads.get(i, 0) + 1
    loads[req['inspectorId']] -= 1
    recused = {r['inspectorId'] for r in rec['recusals'] if r['creditCode'] == code} | {req['inspectorId']}
    on_team = {i for i in team if i != req['inspectorId']}
    entity = next(e for e in inp['pool'] if e['creditCode'] == code)
    roster = sorted(a['inspectors'], key=lambda i: u8key(i['id']))
    cands = [ins['id'] for ins in roster if eligible(ins, a, date, entity, loads, recused, on_team) is None]
    n = 1 + sum(1 for r in rec['recusals'] if r['creditCode'] == code)
    rng = stream(aseed['derivedKey'], f'recusal/{code}/{n}')
    rep = cands[rng.below(len(cands))]
    rec['recusals'].append(dict(seq=len(rec['recusals']) + 1, creditCode=code, inspectorId=req['inspectorId'], reason=req['reason'], n=n, replacement=rep))

if __name__ == '__main__':
    v = json.load(open(sys.argv[1], encoding='utf-8'))
    rec, text = draw(v['input'])
    for q in v.get('recusals', []): recuse(v['input'], rec, q)
    json.dump({'record': rec, 'poolText': text}, sys.stdout, ensure_ascii=False, indent=1)
