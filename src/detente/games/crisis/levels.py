"""The QRE solve round by round, every state of a round at once (decision P8).

The depth-first solver (``model._Solver.solve_node``) runs each state's damped fixed point in Python
floats, one state at a time, solving a child state the first time an iterate leads to it. A state's
strategies and values depend only on its key (round, rung, escalator, status quo, force used, agreed,
beliefs) and its children's values, and the children a state's moves lead to differ only in their
beliefs, which lie on the belief grid. So here every key a round can hold (each prefix reachable from
the root, times every belief pair on the grid) is solved together, last round first, by NumPy arrays
over the states: the same float operations, elementwise, in the same order (the logit's ``exp`` stays
``math.exp``; sums run left to right from 0.0 as Python's ``sum`` does), so each state's numbers are
the depth-first solver's to the last bit. The depth-first order is then replayed from the recorded
children of every iterate, so the solution holds the same states, in the same order, and nothing else.

Best responses (``lam=None``, ties counted) stay with the depth-first solver; a model whose rounds
would hold too many keys, or very few (where NumPy's per-call cost outweighs it), is solved depth first too.
"""

from __future__ import annotations

from math import exp
from typing import Any

import numpy as np

from detente.games.crisis.model import FIXED_POINT_ITERS, RESPONSES, NodeRecord, _Solver

MAX_FLOATS = 6_000_000  # largest (states x offers x responses x 8) array of one round group before falling back
MIN_STATES = 32  # fewer keys in all rounds: depth first is faster (NumPy's per-call cost; e.g. ICB9's fits, P8)


def _seqsum(a: Any) -> Any:
    """Sum over the last axis left to right from 0.0, as Python's ``sum`` of a list."""
    out = 0.0 + a[..., 0]
    for i in range(1, a.shape[-1]):
        out = out + a[..., i]
    return out


def _seqmax(a: Any) -> Any:
    """The largest element along the last axis (its value; which of +0.0 and -0.0 it is does not change
    exp(lam (x - max)), the only use). ``np.maximum`` over the slices: a reduction over a short last axis is slow."""
    out = a[..., 0]
    for i in range(1, a.shape[-1]):
        out = np.maximum(out, a[..., i])
    return out


def _exp(a: Any) -> Any:
    """``math.exp`` of each element (NumPy's own ``exp`` may differ in the last bit), once per distinct value:
    many states share their logit's inputs (e.g. the maximum's term, 0), and +0.0 and -0.0, which ``unique``
    takes as one, both give 1.0."""
    u, inv = np.unique(a, return_inverse=True)
    return np.array(list(map(exp, u.tolist())), dtype=float)[inv].reshape(a.shape)


class _Group:
    """The states of one round whose moves have the same shape (the responses allowed at their rung)."""

    def __init__(self, prefixes: list[int], A: int) -> None:
        self.prefixes, self.A = prefixes, A
        self.sp: Any = None  # [state][proposer type][offer]
        self.sr: Any = None  # [state][responder type][offer][response]
        self.iters: Any = None
        self.conv: Any = None
        self.hist: list[Any] = []  # per iterate: child ids [state][dynamic move] (-1: state already settled)
        self.dk: list[int] = []
        self.da: list[int] = []
        self.cfin: Any = None  # each state's child ids after its last iterate
        self.hist3: Any = None  # ``hist`` as one array [iterate][state][dynamic move]


def solve_levels(sv: _Solver, root: tuple) -> bool:
    """Solve ``sv``'s model from ``root`` into ``sv.nodes`` (and ``sv.converged``); False, with nothing
    solved, when the rounds would hold too many states (the caller then solves depth first)."""
    m, bs, lam = sv.m, sv.belief_step, sv.lam
    assert lam is not None
    T = m.horizon
    nb = round(1 / bs)
    learn = sv.learn
    gv = [[round(n * bs, 10) for n in range(nb + 1)] if learn[i] else [root[6 + i]] for i in (0, 1)]
    G0, G1 = len(gv[0]), len(gv[1])
    G = G0 * G1
    # the prefixes (state keys without beliefs) of each round: the root's and every move's successors
    levels: list[list[tuple]] = [[root[:6]]]
    pindex: list[dict[tuple, int]] = [{root[:6]: 0}]
    for t in range(T - 1):
        nxt: dict[tuple, int] = {}
        for pre in levels[t]:
            for d in sv.static(*pre).dspec:
                if d[2] not in nxt:
                    nxt[d[2]] = len(nxt)
        levels.append(list(nxt))
        pindex.append(nxt)
    K = len(m.offers)
    if max(len(lv) for lv in levels) * G * K * 4 * 8 > MAX_FLOATS or sum(map(len, levels)) * G < MIN_STATES:
        return False
    # group each round's prefixes by the responses allowed; every prefix of a group must move alike
    groups: list[list[_Group]] = []
    where: list[list[tuple[int, int]]] = []  # [round][prefix] -> (group, position in the group)
    for t in range(T):
        by: dict[tuple, list[int]] = {}
        for j, pre in enumerate(levels[t]):
            st = sv.static(*pre)
            by.setdefault((tuple(st.allowed), tuple((d[0], d[1]) for d in st.dspec)), []).append(j)
        gs, wh = [], [(0, 0)] * len(levels[t])
        for gi, ((allowed, dpos), js) in enumerate(by.items()):
            g = _Group(js, len(allowed))
            g.dk, g.da = [k for k, _ in dpos], [a for _, a in dpos]
            gs.append(g)
            for pos, j in enumerate(js):
                wh[j] = (gi, pos)
        groups.append(gs)
        where.append(wh)
    vals: list[Any] = [None] * T
    for t in range(T - 1, -1, -1):
        vals[t] = np.zeros((len(levels[t]) * G, 4, sv.vlen))
        for g in groups[t]:
            _solve_group(sv, t, levels[t], g, G, G1, gv, vals[t], vals[t + 1] if t + 1 < T else None,
                         pindex[t + 1] if t + 1 < T else None)
    rp = _Replay(sv, levels, groups, where, vals, gv, G, G1)
    rp.visit(0, gv[0].index(root[6]) * G1 + gv[1].index(root[7]))
    if not rp.records():
        sv.converged = False
    return True


def _solve_group(sv: _Solver, t: int, pres: list[tuple], g: _Group, G: int, G1: int, gv: list[list[float]],
                 vout: Any, vnext: Any, pnext: dict[tuple, int] | None) -> None:
    m, lam, bs = sv.m, sv.lam, sv.belief_step
    sts = [sv.static(*pres[j]) for j in g.prefixes]
    st0 = sts[0]
    P, A, K = st0.P, g.A, len(m.offers)
    R = 1 - P
    vlen = sv.vlen
    S = len(g.prefixes) * G
    D = len(g.dk)
    pj = np.repeat(np.arange(len(g.prefixes)), G)  # each state's prefix (position in the group)
    bel = np.tile(np.arange(G), len(g.prefixes))
    mu = [np.array(gv[0])[bel // G1], np.array(gv[1])[bel % G1]]
    mu_p_all, mu_r_all = mu[P], mu[R]
    # fixed totals [flat (θC, θD, player)][prefix][offer][response]; dynamic moves get their child's
    z8 = (0.0,) * 8
    tot0 = np.array([[[z8 if v is None else v for v in row] for row in st.tot0] for st in sts]).transpose(3, 0, 1, 2)
    dk, da = np.array(g.dk, dtype=int), np.array(g.da, dtype=int)
    if D:
        assert pnext is not None
        xx = np.array([[(d[3], d[4]) * 4 for d in st.dspec] for st in sts]).transpose(2, 0, 1)  # [8][prefix][d]
        cpre = np.array([[pnext[d[2]] for d in st.dspec] for st in sts], dtype=int)
        v8 = vnext[:, :, :2].reshape(-1, 8).T.copy()  # [flat][child id]
    if P == 0:
        ri = [(th * 2 + R, 4 + th * 2 + R) for th in (0, 1)]
        pjx = [(th * 4, th * 4 + 2) for th in (0, 1)]
    else:
        ri = [(th * 4 + R, th * 4 + 2 + R) for th in (0, 1)]
        pjx = [(th * 2 + 1, 4 + th * 2 + 1) for th in (0, 1)]
    learn_p, learn_r = sv.learn[P], sv.learn[R]
    sp = np.empty((S, 2, K))  # final strategies, filled as states settle
    sr = np.empty((S, 2, K, A))
    iters = np.full(S, FIXED_POINT_ITERS, dtype=int)
    conv = np.zeros(S, dtype=bool)
    # the states still iterating, compacted: their indices, strategies, beliefs, prefixes and totals
    act = np.arange(S)
    cur_p, cur_r = np.full((S, 2, K), 1.0 / K), np.full((S, 2, K, A), 1.0 / A)
    prev_p: Any = None
    prev_r: Any = None
    mp, mr, pa = mu_p_all, mu_r_all, pj
    sub = tot0[:, pj]  # [flat (θC, θD, player)][state][offer][response]; moves to a child state set below
    for it in range(FIXED_POINT_ITERS):
        if not len(act):
            break
        mp1, mr1 = 1 - mp, 1 - mr
        with np.errstate(divide="ignore", invalid="ignore"):
            l0, l1 = cur_p[:, 0], cur_p[:, 1]
            den = mp[:, None] * l0 + mp1[:, None] * l1
            post = np.where(den <= 1e-300, mp[:, None], mp[:, None] * l0 / den)  # [state][offer]
            if D:
                bp = post[:, dk] if learn_p else np.broadcast_to(mp[:, None], (len(act), D))
                if learn_r:
                    r0, r1 = cur_r[:, 0][:, dk, da], cur_r[:, 1][:, dk, da]
                    dr = mr[:, None] * r0 + mr1[:, None] * r1
                    br = np.where(dr <= 1e-300, mr[:, None], mr[:, None] * r0 / dr)
                else:
                    br = np.broadcast_to(mr[:, None], (len(act), D))
        if D:
            b0, b1 = (bp, br) if P == 0 else (br, bp)
            n0 = np.rint(b0 / bs).astype(int) if sv.learn[0] else 0
            n1 = np.rint(b1 / bs).astype(int) if sv.learn[1] else 0
            cid = cpre[pa] * G + n0 * G1 + n1  # [state][dynamic move]
            h = np.full((S, D), -1, dtype=int)
            h[act] = cid
            g.hist.append(h)
            sub[:, :, dk, da] = xx[:, pa] + v8[:, cid]  # each move to a child state: its x + the child's value
        # responder of type θ: logit over responses, believing post about the proposer's type
        w0 = post[:, :, None]
        w1 = 1 - w0
        Q = np.stack([w0 * sub[i0] + w1 * sub[i1] for i0, i1 in ri], axis=1)  # [state][θR][offer][response]
        Q = lam * (Q - _seqmax(Q)[..., None])
        E = _exp(Q)
        new_r = E / _seqsum(E)[..., None]
        # proposer of type θ: (mu_r r0[a]) x + (mu_r1 r1[a]) x', summed over responses, then logit over offers
        m0 = mr[:, None, None] * new_r[:, 0]
        m1 = mr1[:, None, None] * new_r[:, 1]
        QP = np.stack([_seqsum(m0 * sub[j0] + m1 * sub[j1]) for j0, j1 in pjx], axis=1)  # [state][θP][offer]
        QP = lam * (QP - _seqmax(QP)[..., None])
        E = _exp(QP)
        new_p = E / _seqsum(E)[..., None]
        if it > 0:
            d = np.maximum(np.abs(new_p - prev_p).max(axis=(1, 2)), np.abs(new_r - prev_r).max(axis=(1, 2, 3)))
            done = d < 1e-7
            if done.any():
                fin = act[done]
                sp[fin], sr[fin] = new_p[done], new_r[done]
                conv[fin] = True
                iters[fin] = it + 1
                keep = ~done
                act, mp, mr, pa = act[keep], mp[keep], mr[keep], pa[keep]
                new_p, new_r, cur_p, cur_r = new_p[keep], new_r[keep], cur_p[keep], cur_r[keep]
                sub = sub[:, keep]
        prev_p, prev_r = new_p, new_r
        if it > 2:
            cur_p = 0.5 * cur_p + 0.5 * new_p
            cur_r = 0.5 * cur_r + 0.5 * new_r
        else:
            cur_p, cur_r = new_p, new_r
    sp[act], sr[act] = cur_p, cur_r  # not settled: the last (damped) iterate
    g.sp, g.sr, g.iters, g.conv = sp, sr, iters, conv
    # values: the depth-first solver's running sum over the rows of the state's layout, row after row
    lay = st0.layout
    X = np.stack([st.layout.x for st in sts])  # [prefix][pair][type pair][i]
    C0 = np.stack([st.layout.c0 for st in sts])
    W = sp[:, lay.thp][:, :, lay.kr] * sr[:, lay.thr][:, :, lay.kr, lay.ar]  # [state][type pair][row]
    dslot = {p: i for i, p in enumerate(lay.dyn)}
    if D:
        cfin = g.hist[-1].copy()
        for it in range(len(g.hist) - 1):  # each state's children are those of its last iterate
            sel = iters == it + 1
            cfin[sel] = g.hist[it][sel]
    pos_e = dict(zip(lay.acc.tolist(), lay.pos_e.tolist(), strict=True))
    # row p is x + c (x, c: its immediate values and continuation), times the weight, added to the sum; done in
    # place in two buffers (the same elementwise operations; fresh large arrays each step cost page faults)
    acc = np.zeros((S, 4, vlen))
    row, cb = np.empty_like(acc), np.empty_like(acc)
    for p in range(K * A):
        e = pos_e.get(p)
        if p in dslot:
            np.take(vnext, cfin[:, dslot[p]], axis=0, out=cb)
            np.take(X[:, p], pj, axis=0, out=row)
            row += cb
            c6 = cb[:, :, 6]
        else:
            np.take(X[:, p] + C0[:, p], pj, axis=0, out=row)
            c6 = C0[:, p, :, 6][pj] if e is not None else None
        row *= W[:, :, lay.pos_p[p], None]
        acc += row
        if e is not None:
            acc[:, :, 6] += W[:, :, e] * (t - c6)
    base = np.array(g.prefixes)[:, None] * G + np.arange(G)
    vout[base.ravel()] = acc
    g.cfin = cfin if D else None
    g.hist3 = np.array(g.hist) if D else None


class _Replay:
    """Insert the states the depth-first solver would have solved into ``sv.nodes``, in its order: a state
    enters once the children its iterates led to (those that changed from one iterate to the next, in move
    order) have entered. First the order (``visit``), then the records, each group's rows converted to lists
    in one go (``records``). A class, not a recursive closure: a closure referring to itself is a reference
    cycle, which would keep every solve's arrays until the collector's next full pass."""

    def __init__(self, sv: _Solver, levels: list[list[tuple]], groups: list[list[_Group]],
                 where: list[list[tuple[int, int]]], vals: list[Any], gv: list[list[float]], G: int, G1: int) -> None:
        self.sv, self.levels, self.groups, self.where, self.vals, self.gv, self.G, self.G1 = \
            sv, levels, groups, where, vals, gv, G, G1
        self.solved = [np.zeros(len(lv) * G, dtype=bool) for lv in levels]
        self.order: list[tuple[int, int]] = []  # (round, state id) in the depth-first solver's order
        self.keys: dict[tuple[int, int], tuple] = {}

    def key(self, t: int, sid: int) -> tuple:
        got = self.keys.get((t, sid))
        if got is None:
            j, r = divmod(sid, self.G)
            got = self.keys[(t, sid)] = (*self.levels[t][j], self.gv[0][r // self.G1], self.gv[1][r % self.G1])
        return got

    def locate(self, t: int, sid: int) -> tuple[_Group, int]:
        j, r = divmod(sid, self.G)
        gi, pos = self.where[t][j]
        return self.groups[t][gi], pos * self.G + r

    def visit(self, t: int, sid: int) -> None:
        g, loc = self.locate(t, sid)
        if g.dk:
            done = self.solved[t + 1]
            last = None
            for row in g.hist3[:g.iters[loc], loc].tolist():
                for i, c in enumerate(row):
                    if last is not None and last[i] == c:
                        continue
                    if not done[c]:
                        self.visit(t + 1, c)
                last = row
        self.order.append((t, sid))
        self.solved[t][sid] = True

    def records(self) -> bool:
        """Put the visited states' records into ``sv.nodes`` in visit order; whether all of them settled."""
        sv = self.sv
        by: dict[tuple[int, int], list[int]] = {}
        placed = []
        for t, sid in self.order:
            g, loc = self.locate(t, sid)
            lst = by.setdefault((t, id(g)), [])
            placed.append((g, len(lst)))
            lst.append(loc)
        conv = True
        rows: dict[tuple[int, int], tuple] = {}
        for (t, gid), locs in by.items():
            g = next(x for x in self.groups[t] if id(x) == gid)
            ix = np.array(locs)
            conv = conv and bool(g.conv[ix].all())
            rows[(t, gid)] = (g.sp[ix].tolist(), g.sr[ix].tolist(),
                              g.cfin[ix].tolist() if g.cfin is not None else None)
        vlen = sv.vlen
        vals = {t: self.vals[t][np.array([sid for tt, sid in self.order if tt == t])].reshape(-1, 2, 2, vlen).tolist()
                for t in {t for t, _ in self.order}}
        vpos = dict.fromkeys(vals, 0)
        for (t, sid), (g, n) in zip(self.order, placed, strict=True):
            sp, sr, cfin = rows[(t, id(g))]
            sig_p, sig_r = sp[n], sr[n]
            v = vals[t][vpos[t]]
            vpos[t] += 1
            A = g.A
            children: list[list[tuple | None]] = [[None] * A for _ in range(len(sig_p[0]))]
            if cfin is not None:
                for k, a, c in zip(g.dk, g.da, cfin[n], strict=True):
                    children[k][a] = self.key(t + 1, c)
            allowed = sv.static(*self.levels[t][sid // self.G]).allowed
            if len(allowed) == len(RESPONSES):
                rec = NodeRecord(sig_p, sig_r, children, v, 0)
            else:
                slot = [allowed.index(a) if a in allowed else None for a in RESPONSES]
                full_r = [[[rr[i] if i is not None else 0.0 for i in slot] for rr in sig_r[th]] for th in (0, 1)]
                kids = [[c[i] if i is not None else None for i in slot] for c in children]
                rec = NodeRecord(sig_p, full_r, kids, v, 0)
            sv.nodes[self.key(t, sid)] = rec
        return conv
