//! rvm: the pgo example for Cargo. A small stack-machine interpreter (the `fib` and
//! `sieve` workloads) and a text tokenizer with a word count (the `words` workload).
//! Only std. The interpreter reaches its operand stack and memory through trait objects
//! chosen at run time (plain, or traced with RVM_TRACE=1), as a VM with pluggable backends
//! would: with a profile, LLVM promotes those indirect calls to the implementation training
//! saw and inlines it; the dispatch loop's rarely taken error paths are laid out cold.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::env;
use std::fmt;
use std::process::ExitCode;

// The whole instruction set; the bundled programs do not use every instruction.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug)]
enum Op {
    Push(i64),
    Load(u8),   // push local
    Store(u8),  // pop into local
    Add,
    Sub,
    Mul,
    Mod,
    Lt,
    Eq,
    Not,
    Dup,
    Pop,
    Jump(u32),
    JumpIfZero(u32),
    Call(u32, u8), // target, number of arguments
    Ret,
    LoadMem,  // addr -> value
    StoreMem, // addr value ->
    Print,
    Halt,
}

#[derive(Debug)]
enum VmError {
    StackUnderflow(usize),
    StackOverflow(usize),
    BadLocal(usize, u8),
    BadAddress(usize, i64),
    DivisionByZero(usize),
    Overflow(usize, &'static str),
    NoFrame(usize),
}

impl fmt::Display for VmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VmError::StackUnderflow(pc) => write!(f, "stack underflow at pc {pc}"),
            VmError::StackOverflow(pc) => write!(f, "stack overflow at pc {pc}"),
            VmError::BadLocal(pc, l) => write!(f, "bad local {l} at pc {pc}"),
            VmError::BadAddress(pc, a) => write!(f, "bad memory address {a} at pc {pc}"),
            VmError::DivisionByZero(pc) => write!(f, "division by zero at pc {pc}"),
            VmError::Overflow(pc, what) => write!(f, "integer overflow in {what} at pc {pc}"),
            VmError::NoFrame(pc) => write!(f, "return without a call frame at pc {pc}"),
        }
    }
}

struct Frame {
    ret: usize,
    base: usize, // first local's index in `locals`
}

/// Storage for locals and data memory. The VM reaches it through `dyn Memory`, chosen at run
/// time (flat, or traced with RVM_TRACE set): without a profile every access is an indirect
/// call; with one, LLVM promotes the call to the implementation training saw and inlines it.
trait Memory {
    fn get(&self, i: usize) -> Option<i64>;
    fn set(&mut self, i: usize, v: i64) -> bool;
    fn resize(&mut self, n: usize);
    fn len(&self) -> usize;
    fn report(&self) {}
}

struct FlatMemory(Vec<i64>);

impl Memory for FlatMemory {
    fn get(&self, i: usize) -> Option<i64> {
        self.0.get(i).copied()
    }
    fn set(&mut self, i: usize, v: i64) -> bool {
        match self.0.get_mut(i) {
            Some(slot) => {
                *slot = v;
                true
            }
            None => false,
        }
    }
    fn resize(&mut self, n: usize) {
        self.0.resize(n, 0);
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Counts reads and writes (RVM_TRACE=1), reported on stderr at the end.
struct TracedMemory {
    name: &'static str,
    cells: Vec<i64>,
    reads: std::cell::Cell<u64>,
    writes: u64,
}

impl Memory for TracedMemory {
    fn get(&self, i: usize) -> Option<i64> {
        self.reads.set(self.reads.get() + 1);
        self.cells.get(i).copied()
    }
    fn set(&mut self, i: usize, v: i64) -> bool {
        self.writes += 1;
        match self.cells.get_mut(i) {
            Some(slot) => {
                *slot = v;
                true
            }
            None => false,
        }
    }
    fn resize(&mut self, n: usize) {
        self.cells.resize(n, 0);
    }
    fn len(&self) -> usize {
        self.cells.len()
    }
    fn report(&self) {
        eprintln!("{}: {} reads, {} writes", self.name, self.reads.get(), self.writes);
    }
}

/// The operand stack, behind `dyn Stack` for the same reason as `Memory`.
trait Stack {
    fn push(&mut self, v: i64);
    fn pop(&mut self) -> Option<i64>;
    fn top(&self) -> Option<i64>;
    fn depth(&self) -> usize;
}

struct VecStack(Vec<i64>);

impl Stack for VecStack {
    fn push(&mut self, v: i64) {
        self.0.push(v)
    }
    fn pop(&mut self) -> Option<i64> {
        self.0.pop()
    }
    fn top(&self) -> Option<i64> {
        self.0.last().copied()
    }
    fn depth(&self) -> usize {
        self.0.len()
    }
}

/// Records the deepest stack (RVM_TRACE=1).
struct TracedStack {
    values: Vec<i64>,
    deepest: usize,
}

impl Stack for TracedStack {
    fn push(&mut self, v: i64) {
        self.values.push(v);
        self.deepest = self.deepest.max(self.values.len());
    }
    fn pop(&mut self) -> Option<i64> {
        self.values.pop()
    }
    fn top(&self) -> Option<i64> {
        self.values.last().copied()
    }
    fn depth(&self) -> usize {
        self.values.len()
    }
}

impl Drop for TracedStack {
    fn drop(&mut self) {
        eprintln!("stack: deepest {}", self.deepest);
    }
}

fn new_stack() -> Box<dyn Stack> {
    if env::var_os("RVM_TRACE").is_some() {
        Box::new(TracedStack { values: Vec::with_capacity(1024), deepest: 0 })
    } else {
        Box::new(VecStack(Vec::with_capacity(1024)))
    }
}

fn new_memory(name: &'static str, size: usize) -> Box<dyn Memory> {
    if env::var_os("RVM_TRACE").is_some() {
        Box::new(TracedMemory { name, cells: vec![0; size], reads: Default::default(), writes: 0 })
    } else {
        Box::new(FlatMemory(vec![0; size]))
    }
}

const MAX_STACK: usize = 1 << 16;
const LOCALS_PER_FRAME: usize = 8;

struct Vm<'a> {
    code: &'a [Op],
    stack: Box<dyn Stack>,
    locals: Box<dyn Memory>,
    frames: Vec<Frame>,
    memory: Box<dyn Memory>,
    output: Vec<i64>,
    steps: u64,
}

impl<'a> Vm<'a> {
    fn new(code: &'a [Op], memory_size: usize) -> Self {
        Vm {
            code,
            stack: new_stack(),
            locals: new_memory("locals", LOCALS_PER_FRAME),
            frames: Vec::new(),
            memory: new_memory("memory", memory_size),
            output: Vec::new(),
            steps: 0,
        }
    }

    fn pop(&mut self, pc: usize) -> Result<i64, VmError> {
        self.stack.pop().ok_or(VmError::StackUnderflow(pc))
    }

    fn push(&mut self, pc: usize, v: i64) -> Result<(), VmError> {
        if self.stack.depth() >= MAX_STACK {
            return Err(VmError::StackOverflow(pc));
        }
        self.stack.push(v);
        Ok(())
    }

    fn local_index(&self, pc: usize, l: u8) -> Result<usize, VmError> {
        if (l as usize) >= LOCALS_PER_FRAME {
            return Err(VmError::BadLocal(pc, l));
        }
        let base = self.frames.last().map_or(0, |f| f.base);
        Ok(base + l as usize)
    }

    fn address(&self, pc: usize, a: i64) -> Result<usize, VmError> {
        if a < 0 || a as usize >= self.memory.len() {
            return Err(VmError::BadAddress(pc, a));
        }
        Ok(a as usize)
    }

    fn run(&mut self) -> Result<(), VmError> {
        let mut pc = 0usize;
        loop {
            self.steps += 1;
            let op = self.code[pc];
            pc += 1;
            match op {
                Op::Push(v) => self.push(pc, v)?,
                Op::Load(l) => {
                    let i = self.local_index(pc, l)?;
                    let v = self.locals.get(i).ok_or(VmError::BadLocal(pc, l))?;
                    self.push(pc, v)?;
                }
                Op::Store(l) => {
                    let i = self.local_index(pc, l)?;
                    let v = self.pop(pc)?;
                    if !self.locals.set(i, v) {
                        return Err(VmError::BadLocal(pc, l));
                    }
                }
                Op::Add => {
                    let (b, a) = (self.pop(pc)?, self.pop(pc)?);
                    let r = a.checked_add(b).ok_or(VmError::Overflow(pc, "add"))?;
                    self.push(pc, r)?;
                }
                Op::Sub => {
                    let (b, a) = (self.pop(pc)?, self.pop(pc)?);
                    let r = a.checked_sub(b).ok_or(VmError::Overflow(pc, "sub"))?;
                    self.push(pc, r)?;
                }
                Op::Mul => {
                    let (b, a) = (self.pop(pc)?, self.pop(pc)?);
                    let r = a.checked_mul(b).ok_or(VmError::Overflow(pc, "mul"))?;
                    self.push(pc, r)?;
                }
                Op::Mod => {
                    let (b, a) = (self.pop(pc)?, self.pop(pc)?);
                    if b == 0 {
                        return Err(VmError::DivisionByZero(pc));
                    }
                    self.push(pc, a.rem_euclid(b))?;
                }
                Op::Lt => {
                    let (b, a) = (self.pop(pc)?, self.pop(pc)?);
                    self.push(pc, (a < b) as i64)?;
                }
                Op::Eq => {
                    let (b, a) = (self.pop(pc)?, self.pop(pc)?);
                    self.push(pc, (a == b) as i64)?;
                }
                Op::Not => {
                    let a = self.pop(pc)?;
                    self.push(pc, (a == 0) as i64)?;
                }
                Op::Dup => {
                    let a = self.stack.top().ok_or(VmError::StackUnderflow(pc))?;
                    self.push(pc, a)?;
                }
                Op::Pop => {
                    self.pop(pc)?;
                }
                Op::Jump(t) => pc = t as usize,
                Op::JumpIfZero(t) => {
                    if self.pop(pc)? == 0 {
                        pc = t as usize;
                    }
                }
                Op::Call(t, nargs) => {
                    if self.frames.len() >= MAX_STACK / LOCALS_PER_FRAME {
                        return Err(VmError::StackOverflow(pc));
                    }
                    let base = self.locals.len();
                    self.locals.resize(base + LOCALS_PER_FRAME);
                    for k in (0..nargs as usize).rev() {
                        let v = self.pop(pc)?;
                        self.locals.set(base + k, v);
                    }
                    self.frames.push(Frame { ret: pc, base });
                    pc = t as usize;
                }
                Op::Ret => {
                    let frame = self.frames.pop().ok_or(VmError::NoFrame(pc))?;
                    self.locals.resize(frame.base);
                    pc = frame.ret;
                }
                Op::LoadMem => {
                    let a = self.pop(pc)?;
                    let i = self.address(pc, a)?;
                    let v = self.memory.get(i).ok_or(VmError::BadAddress(pc, a))?;
                    self.push(pc, v)?;
                }
                Op::StoreMem => {
                    let v = self.pop(pc)?;
                    let a = self.pop(pc)?;
                    let i = self.address(pc, a)?;
                    self.memory.set(i, v);
                }
                Op::Print => {
                    let v = self.pop(pc)?;
                    self.output.push(v);
                }
                Op::Halt => return Ok(()),
            }
        }
    }
}

/// fib(n) by naive recursion: calls, compares and arithmetic dominate.
fn fib_program(n: i64) -> Vec<Op> {
    use Op::*;
    vec![
        Push(n),            // 0
        Call(4, 1),         // 1
        Print,              // 2
        Halt,               // 3
        // fib(n): 4
        Load(0),            // 4
        Push(2),            // 5
        Lt,                 // 6
        JumpIfZero(10),     // 7  n >= 2 -> recurse
        Load(0),            // 8
        Ret,                // 9
        Load(0),            // 10
        Push(1),            // 11
        Sub,                // 12
        Call(4, 1),         // 13
        Load(0),            // 14
        Push(2),            // 15
        Sub,                // 16
        Call(4, 1),         // 17
        Add,                // 18
        Ret,                // 19
    ]
}

/// Sieve of Eratosthenes over memory[0..n], then counts the primes: loads, stores, loops.
fn sieve_program(n: i64) -> Vec<Op> {
    use Op::*;
    vec![
        // local0 = i = 2
        Push(2), Store(0),                       // 0,1
        // outer: while i*i < n
        Load(0), Load(0), Mul, Push(n), Lt,      // 2..6
        JumpIfZero(28),                          // 7
        Load(0), LoadMem, Not,                   // 8..10  memory[i] == 0 -> prime
        JumpIfZero(24),                          // 11
        Load(0), Load(0), Mul, Store(1),         // 12..15 j = i*i
        // inner: while j < n { mem[j] = 1; j += i }
        Load(1), Push(n), Lt, JumpIfZero(24),    // 16..19
        Load(1), Push(1), StoreMem,              // 20..22
        Jump(32),                                // 23 -> j += i
        Load(0), Push(1), Add, Store(0),         // 24..27 i += 1
        Jump(2),                                 // 28? (see fix-up below)
        Halt, Halt, Halt,                        // 29..31 (unused)
        Load(1), Load(0), Add, Store(1), Jump(16), // 32..36
        // count: 37
        Push(0), Store(2), Push(2), Store(0),    // 37..40 count = 0, i = 2
        Load(0), Push(n), Lt, JumpIfZero(56),    // 41..44
        Load(0), LoadMem, Not, JumpIfZero(52),   // 45..48
        Load(2), Push(1), Add, Store(2),         // 49..52? (see fix-up)
        Load(0), Push(1), Add, Store(0), Jump(41), // 53..57
        Load(2), Print, Halt,                    // 58..60
    ]
}

fn fixup_sieve(mut code: Vec<Op>) -> Vec<Op> {
    // Jump targets are easier to read as labels; set them by position here.
    use Op::*;
    code[7] = JumpIfZero(37); // outer loop done -> count
    code[28] = Jump(2);
    code[44] = JumpIfZero(58); // counting done
    code[48] = JumpIfZero(53); // not prime -> i += 1
    code
}

/// Deterministic pseudo-random text: words of a small vocabulary with punctuation.
fn generate_text(words: usize) -> String {
    const VOCAB: &[&str] = &[
        "profile", "guided", "optimization", "branch", "layout", "inline", "cold", "hot", "loop",
        "cargo", "rustc", "llvm", "counter", "merge", "train", "bench", "the", "a", "of", "and",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut text = String::with_capacity(words * 8);
    for i in 0..words {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let w = VOCAB[(state % VOCAB.len() as u64) as usize];
        if state % 11 == 0 {
            let mut c = w.chars();
            let first = c.next().unwrap().to_ascii_uppercase();
            text.push(first);
            text.push_str(c.as_str());
        } else {
            text.push_str(w);
        }
        text.push_str(match state % 13 {
            0 => ". ",
            1 => ", ",
            2 => "; ",
            _ if i % 17 == 0 => "\n",
            _ => " ",
        });
        if state % 29 == 0 {
            text.push_str(&format!("{} ", state % 1000));
        }
    }
    text
}

#[derive(PartialEq)]
enum Token<'t> {
    Word(&'t str),
    Number(u64),
    Punct(char),
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_alphabetic() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            tokens.push(Token::Word(&text[start..i]));
        } else if c.is_ascii_digit() {
            let mut v: u64 = 0;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                v = v * 10 + (bytes[i] - b'0') as u64;
                i += 1;
            }
            tokens.push(Token::Number(v));
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else {
            tokens.push(Token::Punct(c as char));
            i += 1;
        }
    }
    tokens
}

fn word_count(words: usize, rounds: usize) -> (usize, Vec<(String, usize)>) {
    let text = generate_text(words);
    // Fixed hash keys (not RandomState): every training run executes the same code paths,
    // so the merged profile, and the optimized build, stay the same from run to run.
    let mut counts: HashMap<String, usize, BuildHasherDefault<DefaultHasher>> = HashMap::default();
    let mut total = 0;
    for _ in 0..rounds {
        for t in tokenize(&text) {
            match t {
                Token::Word(w) => {
                    total += 1;
                    let key = w.to_ascii_lowercase();
                    *counts.entry(key).or_insert(0) += 1;
                }
                Token::Number(n) => total += (n % 2) as usize,
                Token::Punct(_) => {}
            }
        }
    }
    let mut top: Vec<(String, usize)> = counts.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(5);
    (total, top)
}

fn run_vm(code: &[Op], memory: usize) -> Result<(), String> {
    let mut vm = Vm::new(code, memory);
    vm.run().map_err(|e| e.to_string())?;
    vm.locals.report();
    vm.memory.report();
    for v in &vm.output {
        println!("{v}");
    }
    println!("steps {}", vm.steps);
    Ok(())
}

const USAGE: &str = "usage: rvm fib <n> | rvm sieve <n> | rvm words <words> <rounds>";

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().collect();
    if matches!(args.get(1).map(String::as_str), Some("-h" | "--help")) {
        println!("{USAGE}"); // asked for: not an error
        return ExitCode::SUCCESS;
    }
    let num = |i: usize| args.get(i).and_then(|s| s.parse::<i64>().ok());
    let result = match (args.get(1).map(String::as_str), num(2), num(3)) {
        (Some("fib"), Some(n), _) if (0..=40).contains(&n) => run_vm(&fib_program(n), 0),
        (Some("sieve"), Some(n), _) if (2..=50_000_000).contains(&n) => {
            run_vm(&fixup_sieve(sieve_program(n)), n as usize)
        }
        (Some("words"), Some(w), Some(r)) if w > 0 && r > 0 => {
            let (total, top) = word_count(w as usize, r as usize);
            println!("tokens {total}");
            for (w, c) in top {
                println!("{w} {c}");
            }
            Ok(())
        }
        _ => return usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rvm: {e}");
            ExitCode::FAILURE
        }
    }
}
