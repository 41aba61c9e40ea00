//! The typed IR: the one artifact every backend reads.
//!
//! It is structured (nested blocks for `if`/loops rather than a CFG) because every source
//! construct ferrumba accepts is structured, and structured loops are what LLVM's loop
//! passes and a later work-item-loop pass want to see. Every expression carries its
//! type and the source span it came from; nothing here refers to rustpython's AST.

use crate::common::diagnostic::Span;
use crate::common::types::Type;
use std::fmt::{self, Write};

pub type VarId = usize;
pub type Block = Vec<Stmt>;

#[derive(Clone, Debug)]
pub struct Var {
    pub name: String,
    pub ty: Type,
}

#[derive(Clone, Debug)]
pub struct Function {
    /// The Python name (`__qualname__`), for messages.
    pub name: String,
    /// The unique symbol this specialization gets in native code.
    pub symbol: String,
    pub params: Vec<VarId>,
    pub vars: Vec<Var>,
    pub ret: Type,
    pub body: Block,
    /// Other specializations this one calls, by symbol: a backend emits them too.
    pub callees: Vec<String>,
    /// Set by the work-item pass on kernels with barriers: these variables have one value
    /// per thread of the block (the value of the thread numbered by `tid`).
    pub per_thread: Option<PerThread>,
    /// Array variables whose atomics may be lowered as plain read-modify-writes, because
    /// while the kernel runs only one OS thread touches their memory (block-shared and
    /// thread-local arrays on the CPU target; arrays the launcher privatized per worker).
    pub plain_atomics: Vec<VarId>,
}

#[derive(Clone, Debug)]
pub struct PerThread {
    pub vars: Vec<VarId>,
    pub tid: VarId,
    /// The most threads a block may have (storage is reserved for that many).
    pub max_threads: u32,
}

#[derive(Clone, Debug)]
pub enum Stmt {
    Assign(VarId, Expr),
    /// `array[indices] = value`; `value` already has the array's dtype.
    Store { array: Expr, indices: Vec<Expr>, value: Expr, span: Span },
    Eval(Expr),
    If { cond: Expr, then_body: Block, else_body: Block },
    /// `orelse` runs when the loop ends without `break`, as in Python.
    While { cond: Expr, body: Block, orelse: Block },
    /// `for var in range(start, stop, step)`, all int64; `step` is never zero here
    /// (a zero step raises before the loop).
    ForRange { var: VarId, start: Expr, stop: Expr, step: Expr, body: Block, orelse: Block },
    Break,
    Continue,
    Return(Expr),
    /// Raise a builtin exception class by name with a constant message.
    Raise { class: String, message: Option<String>, span: Span },
    Print(Vec<Expr>),
    /// Element-wise assignment into an existing array (`a += b`, `a[1:3] = x`): every
    /// element of `target` becomes `body` (a Map body over `inputs`, already of the
    /// target's dtype), inputs broadcast to the target's shape.
    MapInto { target: Expr, inputs: Vec<Expr>, body: Expr },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GpuReg {
    ThreadIdx(u8),
    BlockIdx(u8),
    BlockDim(u8),
    GridDim(u8),
    LaneId,
    WarpSize,
}

impl GpuReg {
    pub fn name(self) -> String {
        let axis = |a: u8| ["x", "y", "z"][a as usize];
        match self {
            GpuReg::ThreadIdx(a) => format!("threadIdx.{}", axis(a)),
            GpuReg::BlockIdx(a) => format!("blockIdx.{}", axis(a)),
            GpuReg::BlockDim(a) => format!("blockDim.{}", axis(a)),
            GpuReg::GridDim(a) => format!("gridDim.{}", axis(a)),
            GpuReg::LaneId => "laneid".into(),
            GpuReg::WarpSize => "warpsize".into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarpOp {
    Shfl,
    ShflUp,
    ShflDown,
    ShflXor,
    Ballot,
    All,
    Any,
    /// `eq_sync`: whether the predicate's truth is the same on every lane.
    Eq,
    /// `match_any_sync`: the lanes whose value equals this lane's.
    MatchAny,
    ActiveMask,
    SyncWarp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtomicOp {
    Add,
    Sub,
    Max,
    Min,
    Exch,
    Cas,
    And,
    Or,
    Xor,
    /// `old >= v ? 0 : old + 1` (unsigned), as CUDA's atomicInc.
    Inc,
    /// `old == 0 || old > v ? v : old - 1` (unsigned), as CUDA's atomicDec.
    Dec,
}

#[derive(Clone, Debug)]
pub enum SliceItem {
    /// An integer index: the dimension disappears.
    Index(Expr),
    /// `start:stop:step`, each part optional (Python's defaults apply).
    Range(Option<Expr>, Option<Expr>, Option<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    TrueDiv,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    BitAnd,
    BitOr,
    BitXor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Invert,
    /// Python's `not`, on the truth value of any operand.
    Not,
}

/// The elements of a frozen array; printed by shape only.
#[derive(Clone)]
pub struct ConstArray {
    pub shape: Vec<i64>,
    pub bytes: std::sync::Arc<Vec<u8>>,
}

impl std::fmt::Debug for ConstArray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ConstArray({:?}, {} bytes)", self.shape, self.bytes.len())
    }
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Int(i64),
    Float(f64),
    Bool(bool),
    Complex(f64, f64),
    NoneValue,
    Var(VarId),
    /// Convert the operand to `ty`: numeric conversions, widening into an Optional, and
    /// float → int truncation (as `int(x)` does).
    Cast(Box<Expr>),
    /// Both operands already have the type the operation computes in.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    /// Both operands already have a common type; the result is bool.
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    /// Python's value-returning `and`/`or`; operands already have the result type.
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// The truth value of any operand, as `bool(x)`.
    Truth(Box<Expr>),
    IfElse(Box<Expr>, Box<Expr>, Box<Expr>),
    Tuple(Vec<Expr>),
    TupleGet(Box<Expr>, usize),
    /// Indexing a homogeneous tuple with a run-time int64 (negative counts from the end).
    TupleGetDyn(Box<Expr>, Box<Expr>),
    /// Element read; indices are int64 and may be negative (counted from the end).
    ArrayGet(Box<Expr>, Vec<Expr>),
    ArrayShape(Box<Expr>, usize),
    ArraySize(Box<Expr>),
    /// `x is None` on an Optional (or a statically known None / value when not Optional).
    IsNone(Box<Expr>),
    /// The value inside an Optional known not to be None.
    Unwrap(Box<Expr>),
    /// Call to another specialization, by symbol.
    Call(String, Vec<Expr>),
    /// Run statements, then evaluate to a value: how the front end expands library calls
    /// (`np.nonzero`, ...) into loops inside an expression.
    Block(Vec<Stmt>, Box<Expr>),
    /// A new C-contiguous array of the given dimensions, contents uninitialized.
    ArrayEmpty(Vec<Expr>),
    /// A view of an array: one item per leading dimension (the rest are kept whole).
    ArrayView(Box<Expr>, Vec<SliceItem>),
    /// A new array whose every element is `body`, evaluated with `MapInput(k)` reading
    /// element k of `inputs` (scalars broadcast; arrays broadcast by NumPy's rules) and
    /// `MapIndex(d)` the index along output dimension d. `shape` fixes the output shape
    /// (array creation); without it the inputs' broadcast shape is used. Fused array
    /// expressions are one Map: one loop, no temporaries.
    Map { inputs: Vec<Expr>, body: Box<Expr>, shape: Option<Vec<Expr>> },
    MapInput(usize),
    MapIndex(usize),
    /// A global NumPy array frozen at compile time (read-only, C-contiguous).
    ConstArray(ConstArray),
    /// A CUDA special register (thread index and friends), int32 as Numba types them.
    GpuReg(GpuReg),
    /// `cuda.syncthreads()`: every thread of the block waits here.
    Barrier,
    /// `cuda.syncthreads_count(pred)`: a barrier that also counts the threads of the block
    /// whose (bool) predicate holds; int32. `_and`/`_or` are comparisons of the count.
    BarrierCount(Box<Expr>),
    /// `cuda.shared.array(shape, dtype)`: one array per block, shared by its threads.
    SharedArray(Vec<i64>),
    /// `cuda.local.array(shape, dtype)`: a small array private to the thread.
    LocalArray(Vec<i64>),
    /// `cuda.atomic.<op>(array, index, value[, value2])`: the old element value.
    Atomic(AtomicOp, Vec<Expr>),
    /// A warp intrinsic (`shfl_down_sync`, `ballot_sync`, ...): arguments as written.
    Warp(WarpOp, Vec<Expr>),
    /// Another thread's value of a per-thread variable (made by the region splitter for
    /// warp intrinsics): the variable, then the thread's linear index in the block.
    ThreadSlot(VarId, Box<Expr>),
    /// The same C-contiguous data under new dimensions (one may be -1: inferred).
    Reshape(Box<Expr>, Vec<Expr>),
    /// The view with dimensions (and strides) in reverse order.
    Transpose(Box<Expr>),
    /// The view whose dimension `i` is dimension `axes[i]` of the base: `transpose(axes)`.
    /// The axes are a permutation already checked and made non-negative.
    Permute(Box<Expr>, Vec<Expr>),
    /// `a.real` (false) or `a.imag` (true) of a complex array: a view of one part of each
    /// element, with the array's strides.
    ComplexPart(Box<Expr>, bool),
    /// The same view with a new dimension of length 1 (stride 0) at each of these
    /// positions of the result, in increasing order: `np.newaxis`/`None` in a subscript.
    ExpandDims(Box<Expr>, Vec<usize>),
    /// A numeric built-in lowered natively (`sqrt`, `floor`, `atan2`, `abs`, ...); the name
    /// is the C math library's, operands already have the type it computes in.
    Math(&'static str, Vec<Expr>),
}

/// The direct sub-expressions of an expression, as `$children` of `$e`. Statements inside
/// a `Block` expression are not included (walk them separately where it matters).
macro_rules! expr_children {
    ($e:expr, $iter:ident, $as:ident) => {
        match $e {
            ExprKind::Cast(x)
            | ExprKind::Unary(_, x)
            | ExprKind::Truth(x)
            | ExprKind::TupleGet(x, _)
            | ExprKind::ArrayShape(x, _)
            | ExprKind::ArraySize(x)
            | ExprKind::IsNone(x)
            | ExprKind::Unwrap(x)
            | ExprKind::Transpose(x)
            | ExprKind::ComplexPart(x, _)
            | ExprKind::ExpandDims(x, _)
            | ExprKind::BarrierCount(x)
            | ExprKind::ThreadSlot(_, x) => vec![x.$as()],
            ExprKind::Binary(_, a, b) | ExprKind::Compare(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::TupleGetDyn(a, b) => {
                vec![a.$as(), b.$as()]
            }
            ExprKind::IfElse(c, a, b) => vec![c.$as(), a.$as(), b.$as()],
            ExprKind::Tuple(items)
            | ExprKind::Call(_, items)
            | ExprKind::Math(_, items)
            | ExprKind::Atomic(_, items)
            | ExprKind::Warp(_, items)
            | ExprKind::ArrayEmpty(items) => items.$iter().collect(),
            ExprKind::ArrayGet(a, idx) | ExprKind::Reshape(a, idx) | ExprKind::Permute(a, idx) => std::iter::once(a.$as()).chain(idx.$iter()).collect(),
            ExprKind::Map { inputs, body, shape } => {
                let mut v: Vec<_> = inputs.$iter().collect();
                v.push(body.$as());
                if let Some(s) = shape {
                    v.extend(s.$iter());
                }
                v
            }
            ExprKind::ArrayView(a, items) => {
                let mut v = vec![a.$as()];
                for it in items {
                    match it {
                        SliceItem::Index(i) => v.push(i),
                        SliceItem::Range(a, b, c) => v.extend([a, b, c].into_iter().flatten()),
                    }
                }
                v
            }
            ExprKind::Block(_, value) => vec![value.$as()],
            // Listed one by one so that a new variant must say what it contains.
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Bool(_)
            | ExprKind::Complex(..)
            | ExprKind::NoneValue
            | ExprKind::Var(_)
            | ExprKind::MapInput(_)
            | ExprKind::MapIndex(_)
            | ExprKind::GpuReg(_)
            | ExprKind::Barrier
            | ExprKind::SharedArray(_)
            | ExprKind::ConstArray(_)
            | ExprKind::LocalArray(_) => vec![],
        }
    };
}

impl Expr {
    pub fn new(kind: ExprKind, ty: Type, span: Span) -> Expr {
        Expr { kind, ty, span }
    }

    pub fn children(&self) -> Vec<&Expr> {
        expr_children!(&self.kind, iter, as_ref)
    }

    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        expr_children!(&mut self.kind, iter_mut, as_mut)
    }
}

impl Stmt {
    /// The expressions a statement evaluates itself (not those of its nested blocks).
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            Stmt::Assign(_, e) | Stmt::Eval(e) | Stmt::Return(e) => vec![e],
            Stmt::Store { array, indices, value, .. } => std::iter::once(array).chain(indices).chain(std::iter::once(value)).collect(),
            Stmt::If { cond, .. } | Stmt::While { cond, .. } => vec![cond],
            Stmt::ForRange { start, stop, step, .. } => vec![start, stop, step],
            Stmt::Print(items) => items.iter().collect(),
            Stmt::MapInto { target, inputs, body } => std::iter::once(target).chain(inputs).chain(std::iter::once(body)).collect(),
            Stmt::Break | Stmt::Continue | Stmt::Raise { .. } => vec![],
        }
    }

    /// The statement blocks nested in a statement (branches, loop bodies and `else`s).
    pub fn blocks(&self) -> Vec<&Block> {
        match self {
            Stmt::If { then_body, else_body, .. } => vec![then_body, else_body],
            Stmt::While { body, orelse, .. } | Stmt::ForRange { body, orelse, .. } => vec![body, orelse],
            _ => vec![],
        }
    }
}

/// Visit every call (`ExprKind::Call`: symbol and arguments) in a block, nested ones too.
pub fn for_each_call_mut(b: &mut Block, f: &mut dyn FnMut(&mut String, &mut Vec<Expr>)) {
    fn expr(e: &mut Expr, f: &mut dyn FnMut(&mut String, &mut Vec<Expr>)) {
        if let ExprKind::Call(symbol, args) = &mut e.kind {
            f(symbol, args);
        }
        for c in e.children_mut() {
            expr(c, f);
        }
    }
    for s in b.iter_mut() {
        match s {
            Stmt::Assign(_, e) | Stmt::Eval(e) | Stmt::Return(e) => expr(e, f),
            Stmt::If { then_body, else_body, .. } => {
                for_each_call_mut(then_body, f);
                for_each_call_mut(else_body, f);
            }
            Stmt::While { body, orelse, .. } | Stmt::ForRange { body, orelse, .. } => {
                for_each_call_mut(body, f);
                for_each_call_mut(orelse, f);
            }
            _ => {}
        }
    }
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::TrueDiv => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
        }
    }
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

// ---- text form ---------------------------------------------------------------------

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let params: Vec<String> = self.params.iter().map(|&p| format!("{}: {}", self.vars[p].name, self.vars[p].ty)).collect();
        writeln!(f, "def {}({}) -> {}:", self.name, params.join(", "), self.ret)?;
        let mut locals: Vec<&Var> = self.vars.iter().enumerate().filter(|(i, _)| !self.params.contains(i)).map(|(_, v)| v).collect();
        locals.sort_by(|a, b| a.name.cmp(&b.name));
        for v in locals {
            writeln!(f, "    # {}: {}", v.name, v.ty)?;
        }
        let mut out = String::new();
        write_block(self, &self.body, 1, &mut out);
        f.write_str(&out)
    }
}

fn write_block(func: &Function, block: &Block, depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    if block.is_empty() {
        let _ = writeln!(out, "{pad}pass");
    }
    for stmt in block {
        match stmt {
            Stmt::Assign(v, e) => {
                let _ = writeln!(out, "{pad}{} = {}", func.vars[*v].name, show(func, e));
            }
            Stmt::Store { array, indices, value, .. } => {
                let idx: Vec<String> = indices.iter().map(|i| show(func, i)).collect();
                let _ = writeln!(out, "{pad}{}[{}] = {}", show(func, array), idx.join(", "), show(func, value));
            }
            Stmt::Eval(e) => {
                let _ = writeln!(out, "{pad}{}", show(func, e));
            }
            Stmt::If { cond, then_body, else_body } => {
                let _ = writeln!(out, "{pad}if {}:", show(func, cond));
                write_block(func, then_body, depth + 1, out);
                if !else_body.is_empty() {
                    let _ = writeln!(out, "{pad}else:");
                    write_block(func, else_body, depth + 1, out);
                }
            }
            Stmt::While { cond, body, orelse } => {
                let _ = writeln!(out, "{pad}while {}:", show(func, cond));
                write_block(func, body, depth + 1, out);
                if !orelse.is_empty() {
                    let _ = writeln!(out, "{pad}else:");
                    write_block(func, orelse, depth + 1, out);
                }
            }
            Stmt::ForRange { var, start, stop, step, body, orelse } => {
                let _ = writeln!(
                    out,
                    "{pad}for {} in range({}, {}, {}):",
                    func.vars[*var].name,
                    show(func, start),
                    show(func, stop),
                    show(func, step)
                );
                write_block(func, body, depth + 1, out);
                if !orelse.is_empty() {
                    let _ = writeln!(out, "{pad}else:");
                    write_block(func, orelse, depth + 1, out);
                }
            }
            Stmt::Break => {
                let _ = writeln!(out, "{pad}break");
            }
            Stmt::Continue => {
                let _ = writeln!(out, "{pad}continue");
            }
            Stmt::Return(e) => {
                let _ = writeln!(out, "{pad}return {}", show(func, e));
            }
            Stmt::Raise { class, message, .. } => {
                let _ = writeln!(out, "{pad}raise {}({})", class, message.as_ref().map(|m| format!("{m:?}")).unwrap_or_default());
            }
            Stmt::Print(args) => {
                let a: Vec<String> = args.iter().map(|e| show(func, e)).collect();
                let _ = writeln!(out, "{pad}print({})", a.join(", "));
            }
            Stmt::MapInto { target, inputs, body } => {
                let a: Vec<String> = inputs.iter().map(|e| show(func, e)).collect();
                let _ = writeln!(out, "{pad}{}[...] = map({}) -> {}", show(func, target), a.join(", "), show(func, body));
            }
        }
    }
}

/// One expression in text form: `(operation operands): type`.
pub fn show(func: &Function, e: &Expr) -> String {
    let list = |items: &[Expr]| items.iter().map(|x| show(func, x)).collect::<Vec<_>>().join(", ");
    let body = match &e.kind {
        ExprKind::Int(v) => return format!("{v}:{}", e.ty),
        ExprKind::Float(v) => return format!("{v:?}:{}", e.ty),
        ExprKind::Bool(v) => return if *v { "True".into() } else { "False".into() },
        ExprKind::Complex(r, i) => return format!("({r:?}+{i:?}j):{}", e.ty),
        ExprKind::NoneValue => return "None".into(),
        ExprKind::Var(v) => return func.vars[*v].name.clone(),
        ExprKind::Cast(x) => format!("cast {}", show(func, x)),
        ExprKind::Binary(op, a, b) => format!("{} {} {}", show(func, a), op.symbol(), show(func, b)),
        ExprKind::Unary(op, a) => {
            let sym = match op {
                UnaryOp::Neg => "-",
                UnaryOp::Invert => "~",
                UnaryOp::Not => "not ",
            };
            format!("{sym}{}", show(func, a))
        }
        ExprKind::Compare(op, a, b) => format!("{} {} {}", show(func, a), op.symbol(), show(func, b)),
        ExprKind::And(a, b) => format!("{} and {}", show(func, a), show(func, b)),
        ExprKind::Or(a, b) => format!("{} or {}", show(func, a), show(func, b)),
        ExprKind::Truth(a) => format!("truth {}", show(func, a)),
        ExprKind::IfElse(c, a, b) => format!("{} if {} else {}", show(func, a), show(func, c), show(func, b)),
        ExprKind::Tuple(items) => format!("tuple {}", list(items)),
        ExprKind::TupleGet(t, i) => format!("{}[{i}]", show(func, t)),
        ExprKind::TupleGetDyn(t, i) => format!("{}[{}]", show(func, t), show(func, i)),
        ExprKind::ArrayGet(a, idx) => format!("{}[{}]", show(func, a), list(idx)),
        ExprKind::ArrayShape(a, k) => format!("{}.shape[{k}]", show(func, a)),
        ExprKind::ArraySize(a) => format!("{}.size", show(func, a)),
        ExprKind::IsNone(a) => format!("{} is None", show(func, a)),
        ExprKind::Unwrap(a) => format!("unwrap {}", show(func, a)),
        ExprKind::Call(sym, args) => format!("call {sym}({})", list(args)),
        ExprKind::Math(name, args) => format!("{name}({})", list(args)),
        ExprKind::Block(stmts, value) => {
            let mut inner = String::new();
            write_block(func, stmts, 1, &mut inner);
            let inner: Vec<&str> = inner.lines().map(str::trim).collect();
            format!("block {{ {}; {} }}", inner.join("; "), show(func, value))
        }
        ExprKind::ArrayEmpty(dims) => format!("empty({})", list(dims)),
        ExprKind::ArrayView(a, items) => {
            let opt = |x: &Option<Expr>| x.as_ref().map(|e| show(func, e)).unwrap_or_default();
            let parts: Vec<String> = items
                .iter()
                .map(|it| match it {
                    SliceItem::Index(i) => show(func, i),
                    SliceItem::Range(a, b, c) => format!("{}:{}:{}", opt(a), opt(b), opt(c)),
                })
                .collect();
            format!("view {}[{}]", show(func, a), parts.join(", "))
        }
        ExprKind::Map { inputs, body, shape } => {
            let shape = shape.as_ref().map(|s| format!(" shape=({})", list(s))).unwrap_or_default();
            format!("map({}){shape} -> {}", list(inputs), show(func, body))
        }
        ExprKind::MapInput(k) => return format!("${k}:{}", e.ty),
        ExprKind::MapIndex(d) => return format!("$index{d}"),
        ExprKind::Reshape(a, dims) => format!("reshape {} to ({})", show(func, a), list(dims)),
        ExprKind::GpuReg(r) => return format!("cuda.{}", r.name()),
        ExprKind::Barrier => return "cuda.syncthreads()".into(),
        ExprKind::ConstArray(c) => format!("const array{:?}", c.shape),
        ExprKind::BarrierCount(p) => format!("cuda.syncthreads_count({})", show(func, p)),
        ExprKind::SharedArray(d) => format!("cuda.shared.array({d:?})"),
        ExprKind::LocalArray(d) => format!("cuda.local.array({d:?})"),
        ExprKind::Atomic(op, args) => format!("cuda.atomic.{op:?}({})", list(args)),
        ExprKind::Warp(op, args) => format!("cuda.{op:?}({})", list(args)),
        ExprKind::ThreadSlot(v, t) => format!("{}@thread({})", func.vars[*v].name, show(func, t)),
        ExprKind::Transpose(a) => format!("transpose {}", show(func, a)),
        ExprKind::ComplexPart(a, imag) => format!("{} {}", if *imag { "imag_view" } else { "real_view" }, show(func, a)),
        ExprKind::Permute(a, axes) => format!("permute {} by ({})", show(func, a), axes.iter().map(|x| show(func, x)).collect::<Vec<_>>().join(", ")),
        ExprKind::ExpandDims(a, at) => format!("expand_dims {} at {at:?}", show(func, a)),
    };
    format!("({body}):{}", e.ty)
}
