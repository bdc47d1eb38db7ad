"""Independent implementation of DRAW-SPEC.md ssj-draw/1 and ssj-draw/2, Python stdlib only.

  ref.py input.json                 {input, recusals}: draw (ssj-draw/1), replay recusals
  ref.py record.json [--announcement-digest HEX]
                                    an ssj-draw/2 record: recompute the announcement digest
                                    (and compare it with the published one), rebuild the input
                                    from the announcement, redraw, replay recusals

Prints JSON {record, poolText[, announcementText, rosterText]}; exits 1 naming the first
check that fails. Not checked here: drand BLS signatures (the standard library has no
pairing); the randomness = SHA-256(signature) link and the round/time rule are.
"""
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

def resolve_seed(scope, seed, phase, spec='ssj-draw/1'):
    key = canonical_key(seed['sources'])
    reveal = ''
    verified = False
    if 'commitment' in seed:
        assert hashlib.sha256(bytes.fromhex(seed['reveal'])).hexdigest() == seed['commitment']
        reveal = seed['reveal']; verified = True
    text = f"{spec}\n{scope}\n{phase}\n{key}\n{reveal}"
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
    # raises OverflowError before 0001-01-01: such a window is refused (spec §6.1)
    return (datetime.date.fromisoformat(iso) - datetime.timedelta(days=n)).isoformat()

def quota_for(q, n):
    if 'min' in q and 'max' in q and q['min'] > q['max']: raise ValueError('INVALID_QUOTA: min > max')
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

def draw(inp, spec='ssj-draw/1', scope=None):
    v2 = spec == 'ssj-draw/2'
    scope = inp['taskId'] if scope is None else scope
    seed = resolve_seed(scope, inp['seed'], 'entities', spec)
    at_cap = set((inp.get('exclusions') or {}).get('atCap') or [])
    text = pool_text(inp['pool'])
    canon = sorted(inp['pool'], key=lambda e: u8key(e['creditCode']))
    W = (inp.get('exclusions') or {}).get('repeatWindowDays', 0)
    cutoff = minus_days(inp['inspectionDate'], W) if W > 0 else None
    strata = inp['strata']
    members = [[] for _ in strata]
    counts = [dict(matched=0, excludedInactive=0, excludedRecent=0, **({'excludedAtCap': 0} if v2 else {}), drawable=0) for _ in strata]
    unstrat = 0
    for p, e in enumerate(canon):
        s = next((k for k, st in enumerate(strata) if meets(e, st['where'])), None)
        if s is None: unstrat += 1; continue
        counts[s]['matched'] += 1
        if e['status'] != '存续': counts[s]['excludedInactive'] += 1
        elif cutoff is not None and opt(e, 'lastInspectedOn') != '' and e['lastInspectedOn'] > cutoff: counts[s]['excludedRecent'] += 1
        elif e['creditCode'] in at_cap: counts[s]['excludedAtCap'] += 1
        else: counts[s]['drawable'] += 1; members[s].append(p)
    results = []; selected = []
    for s, st in enumerate(strata):
        m = members[s]; n = len(m)
        q = quota_for(st['quota'], n); k = min(q, n); alt = min(st.get('alternates', 0), n - k)
        if k + alt > 0: shuffle(m, k + alt, stream(seed['derivedKey'], 'entities/' + st['id']))
        results.append(dict(id=st['id'], **counts[s], quota=q, capped=q > n,
                            selected=[canon[x]['creditCode'] for x in m[:k]], alternates=[canon[x]['creditCode'] for x in m[k:k + alt]]))
        selected += [(x, st['id']) for x in m[:k]]
    total = lambda f: sum(c[f] for c in counts)
    pool = dict(digest=sha_hex(text.encode('utf-8')), size=len(canon), drawable=total('drawable'),
                excludedInactive=total('excludedInactive'), excludedRecent=total('excludedRecent'))
    if v2: pool['excludedAtCap'] = total('excludedAtCap')
    pool.update(unstratified=unstrat, recentCutoff=cutoff)
    rec = dict(spec=spec, seed=seed, pool=pool, strata=results, assignment=None, recusals=[])
    a = inp.get('assignment')
    if a:
        aseed = resolve_seed(scope, a.get('seed') or inp['seed'], 'inspectors', spec)
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

def recuse(inp, rec, req, scope=None):
    a = inp['assignment']; date = inp['inspectionDate']
    aseed = resolve_seed(inp['taskId'] if scope is None else scope, a.get('seed') or inp['seed'], 'inspectors', rec['spec'])
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

# ---- ssj-draw/2 (spec §14) ----

QUICKNET = {'hash': '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971', 'genesis': 1692803367, 'period': 3}
GAMES = {'fc3d': 'digits', 'pl3': 'digits', 'pl5': 'digits', 'ssq': 'balls', 'dlt': 'balls'}

class Refused(Exception): pass

def check(cond, what):
    if not cond: raise Refused(what)

def canonical_json(v):
    # §14.1: JCS on integers, strings, lists, objects, booleans, null
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(',', ':'))

def announcement_text(a): return 'ssj-announcement/2\n' + canonical_json(a)

def roster_text(inspectors):
    out = 'ssj-roster/1\n'
    for ins in sorted(inspectors, key=lambda i: u8key(i['id'])):
        certs = sorted((canonical_json([c['validFrom'], c['validUntil'], c.get('number') or '']) for c in ins['certificates']), key=u8key)
        line = {'addressKey': ins.get('addressKey') or '', 'certificates': [json.loads(c) for c in certs],
                'conflicts': sorted(ins.get('conflicts') or [], key=u8key), 'department': ins['department'], 'id': ins['id'],
                'qualifications': sorted(ins['qualifications'], key=u8key), 'relationCodes': sorted(ins.get('relationCodes') or [], key=u8key),
                'status': ins['status']}
        out += canonical_json(line) + '\n'
    return out

def utc_seconds(t):
    return int(datetime.datetime.strptime(t, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc).timestamp())

def check_sources(declared, values, announced_at, where):
    check(len(declared) == len(values), f'{where}: one value per source')
    sources = []
    for d, e in zip(declared, values):
        check(d['type'] == e['type'], f'{where}: type')
        if d['type'] == 'drand':
            check(d['chain'] == QUICKNET['hash'], f'{where}: chain')
            t = utc_seconds(d['time'])
            rnd = 1 if t <= QUICKNET['genesis'] else -(-(t - QUICKNET['genesis']) // QUICKNET['period']) + 1
            check(d['round'] == rnd and e['round'] == rnd, f'{where}: round {rnd} for {d["time"]}')
            check(QUICKNET['genesis'] + (rnd - 1) * QUICKNET['period'] > announced_at, f'{where}: round before the announcement')
            check(hashlib.sha256(bytes.fromhex(e['signature'])).hexdigest() == e['randomness'], f'{where}: randomness != SHA-256(signature)')
            sources.append({'values': [e['randomness']]})
        else:
            beijing = datetime.datetime.fromtimestamp(announced_at + 8 * 3600, datetime.timezone.utc).date().isoformat()
            check(d['date'] > beijing, f'{where}: lottery drawn after the announcement day')
            if GAMES[d['game']] == 'digits': sources.append({'values': [''.join(str(x) for x in e['result'][0])]})
            else: sources += [{'numbers': list(g)} for g in e['result']]
    return sources

def seed_from(a, declared, values, reveal):
    seed = {'sources': check_sources(declared, values, utc_seconds(a['announcedAt']), 'randomness')}
    if a['randomness']['commitment'] is not None: seed.update(commitment=a['randomness']['commitment'], reveal=reveal)
    return seed

def announced_input(rec):
    a, r = rec['announcement'], rec['randomness']
    strata = []
    for s in a['strata']:
        q = {'count': s['quota']['count']} if 'count' in s['quota'] else {'ratio': s['quota']['ratioPpm'] / 1000000}
        for k in ('min', 'max'):
            if k in s['quota']: q[k] = s['quota'][k]
        strata.append({'id': s['id'], 'where': s['where'], 'quota': q, 'alternates': s['alternates']})
    inp = {'taskId': a['taskId'], 'inspectionDate': a['inspectionDate'],
           'seed': seed_from(a, a['randomness']['entities'], r['entities'], r['reveal']),
           'pool': rec['input']['pool'], 'strata': strata,
           'exclusions': {'repeatWindowDays': a['exclusions']['repeatWindowDays'], 'atCap': a['exclusions']['atCap']}}
    if 'assignment' in rec['input']:
        i = a['inspectors']
        asg = {'inspectors': rec['input']['assignment']['inspectors'], 'teamSize': i['teamSize'],
               'maxAssignmentsPerInspector': i['maxAssignmentsPerInspector'],
               'requiredQualifications': i['requiredQualifications'], 'allowedDepartments': i['allowedDepartments']}
        if a['randomness']['inspectors'] is not None:
            asg['seed'] = seed_from(a, a['randomness']['inspectors'], r['inspectors'], r['reveal'])
        inp['assignment'] = asg
    return inp

def verify_v2(rec, published=None):
    a = rec['announcement']
    text = announcement_text(a)
    digest = sha_hex(text.encode('utf-8'))
    if published is not None: check(digest == published, f'announcement digest {digest} != published {published}')
    check(rec['announcementDigest'] == digest, 'announcementDigest')
    inp = announced_input(rec)
    check(inp == rec['input'], 'input is not what was announced')
    rtext = None
    if 'assignment' in inp:
        rtext = roster_text(inp['assignment']['inspectors'])
        check(sha_hex(rtext.encode('utf-8')) == a['inspectors']['roster']['digest'], 'roster digest')
    out, ptext = draw(inp, 'ssj-draw/2', digest)
    check(out['pool']['digest'] == a['pool']['digest'] and out['pool']['size'] == a['pool']['size'], 'pool digest')
    check(out['pool']['recentCutoff'] == a['exclusions']['recentCutoff'], 'recent cutoff')
    p = out['pool']
    figures = {k: p[k] for k in ('unstratified', 'excludedInactive', 'excludedRecent', 'excludedAtCap', 'drawable')}
    figures['strata'] = [{k: s[k] for k in ('id', 'matched', 'excludedInactive', 'excludedRecent', 'excludedAtCap', 'drawable', 'quota', 'capped')} for s in out['strata']]
    check(figures == a['figures'], 'announced figures')
    for q in rec['recusals']: recuse(inp, out, q, digest)
    full = {'spec': 'ssj-draw/2', 'announcement': a, 'announcementDigest': digest, 'randomness': rec['randomness'], 'input': inp}
    full.update({k: out[k] for k in ('seed', 'pool', 'strata', 'assignment', 'recusals')})
    return full, ptext, text, rtext

if __name__ == '__main__':
    args = sys.argv[1:]
    published = None
    if '--announcement-digest' in args:
        k = args.index('--announcement-digest'); published = args[k + 1]; del args[k:k + 2]
    v = json.load(open(args[0], encoding='utf-8'))
    if v.get('spec') == 'ssj-draw/2':
        try:
            rec, text, atext, rtext = verify_v2(v, published)
        except Refused as e:
            print(f'REFUSED: {e}', file=sys.stderr); sys.exit(1)
        json.dump({'record': rec, 'poolText': text, 'announcementText': atext, 'rosterText': rtext}, sys.stdout, ensure_ascii=False, indent=1)
    else:
        if published is not None:
            print('REFUSED: an announcement digest was published but this is not an ssj-draw/2 record', file=sys.stderr); sys.exit(1)
        rec, text = draw(v['input'])
        for q in v.get('recusals', []): recuse(v['input'], rec, q)
        json.dump({'record': rec, 'poolText': text}, sys.stdout, ensure_ascii=False, indent=1)
