//! Numba's signature strings: `"float64(float64, int64[:, ::1])"`, `"(int64, int64)"`,
//! `"UniTuple(int64, 3)"`, `"Tuple((int64, float32))"`, `"optional(int32)"`,
//! `"Array(float64, 2, 'C')"`, `"none"`.

use crate::common::types::{ArrayType, Layout, Scalar, Type};

#[derive(Debug, PartialEq)]
pub struct Signature {
    pub ret: Option<Type>,
    pub args: Vec<Type>,
}

pub fn parse_signature(text: &str) -> Result<Signature, String> {
    let mut p = Parser { s: text.as_bytes(), i: 0 };
    p.ws();
    let sig = if p.peek() == Some(b'(') {
        let args = p.arg_list()?;
        Signature { ret: None, args }
    } else {
        let ret = p.ty()?;
        p.ws();
        if p.peek() == Some(b'(') {
            let args = p.arg_list()?;
            Signature { ret: Some(ret), args }
        } else {
            return Err(format!("'{text}' is a type, not a signature: write it as 'ret(arg, ...)'"));
        }
    };
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("unexpected text at column {} of signature '{text}'", p.i + 1));
    }
    Ok(sig)
}

pub fn parse_type(text: &str) -> Result<Type, String> {
    let mut p = Parser { s: text.as_bytes(), i: 0 };
    let t = p.ty()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("unexpected text at column {} of type '{text}'", p.i + 1));
    }
    Ok(t)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected '{}' at column {}", c as char, self.i + 1))
        }
    }
    fn ident(&mut self) -> String {
        self.ws();
        let start = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_') {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }
    fn number(&mut self) -> Result<u32, String> {
        let n = self.ident();
        n.parse().map_err(|_| format!("expected a number, found '{n}'"))
    }

    fn arg_list(&mut self) -> Result<Vec<Type>, String> {
        self.expect(b'(')?;
        let mut args = vec![];
        if self.eat(b')') {
            return Ok(args);
        }
        loop {
            args.push(self.ty()?);
            if self.eat(b')') {
                return Ok(args);
            }
            self.expect(b',')?;
            if self.eat(b')') {
                return Ok(args);
            }
        }
    }

    fn ty(&mut self) -> Result<Type, String> {
        let name = self.ident();
        let base = match name.as_str() {
            "" => return Err(format!("expected a type name at column {}", self.i + 1)),
            "none" | "void" | "None" => Type::NoneType,
            "UniTuple" => {
                self.expect(b'(')?;
                let t = self.ty()?;
                self.expect(b',')?;
                let n = self.number()?;
                self.expect(b')')?;
                Type::Tuple(vec![t; n as usize])
            }
            "Tuple" => {
                self.expect(b'(')?;
                let items = self.arg_list()?;
                self.expect(b')')?;
                Type::Tuple(items)
            }
            "optional" | "Optional" | "OptionalType" => {
                self.expect(b'(')?;
                let t = self.ty()?;
                self.expect(b')')?;
                Type::Optional(Box::new(t))
            }
            "Array" => {
                self.expect(b'(')?;
                let dtype = self.scalar()?;
                self.expect(b',')?;
                let ndim = self.number()?;
                self.expect(b',')?;
                self.ws();
                let quote = self.peek();
                if matches!(quote, Some(b'\'') | Some(b'"')) {
                    self.i += 1;
                }
                let layout = match self.ident().as_str() {
                    "C" => Layout::C,
                    "F" => Layout::F,
                    "A" => Layout::Any,
                    other => return Err(format!("unknown layout '{other}'")),
                };
                if matches!(self.peek(), Some(b'\'') | Some(b'"')) {
                    self.i += 1;
                }
                let mut readonly = false;
                if self.eat(b',') {
                    // `readonly=True` as numba's shim may spell it.
                    let key = self.ident();
                    self.expect(b'=')?;
                    let v = self.ident();
                    readonly = key == "readonly" && v == "True";
                }
                self.expect(b')')?;
                Type::Array(ArrayType { dtype, ndim, layout, readonly })
            }
            "range_state64" | "range_state_int64" => Type::Range,
            "list" | "reflected" => {
                if name == "reflected" && self.ident() != "list" {
                    return Err("expected 'list' after 'reflected'".into());
                }
                self.expect(b'(')?;
                let item = self.ty()?;
                self.expect(b')')?;
                Type::List { item: Box::new(item), reflected: true }
            }
            "ListType" => {
                self.expect(b'[')?;
                let item = self.ty()?;
                self.expect(b']')?;
                return Ok(Type::List { item: Box::new(item), reflected: false });
            }
            "class" | "NumberClass" => {
                self.expect(b'(')?;
                let s = self.scalar()?;
                self.expect(b')')?;
                Type::DType(s)
            }
            other => match Scalar::from_name(other) {
                Some(s) => Type::Scalar(s),
                None => return Err(format!("unknown type '{other}'")),
            },
        };
        self.ws();
        if self.peek() == Some(b'[') {
            let Type::Scalar(dtype) = base else { return Err("only scalar types can be made into arrays with [:]".into()) };
            return self.array_suffix(dtype);
        }
        Ok(base)
    }

    fn scalar(&mut self) -> Result<Scalar, String> {
        let n = self.ident();
        Scalar::from_name(&n).ok_or_else(|| format!("unknown dtype '{n}'"))
    }

    /// `[:]`, `[:, ::1]` (C), `[::1, :]` (F).
    fn array_suffix(&mut self, dtype: Scalar) -> Result<Type, String> {
        self.expect(b'[')?;
        let mut dims: Vec<bool> = vec![]; // whether each dimension is `::1`
        loop {
            self.expect(b':')?;
            let mut contiguous = false;
            if self.eat(b':') {
                let n = self.number()?;
                if n != 1 {
                    return Err("only ::1 is allowed as a step in an array type".into());
                }
                contiguous = true;
            }
            dims.push(contiguous);
            if self.eat(b']') {
                break;
            }
            self.expect(b',')?;
        }
        let n = dims.len();
        let layout = if n >= 1 && dims[n - 1] && dims[..n - 1].iter().all(|c| !c) {
            Layout::C
        } else if n > 1 && dims[0] && dims[1..].iter().all(|c| !c) {
            Layout::F
        } else if dims.iter().all(|c| !c) {
            Layout::Any
        } else {
            return Err("::1 may appear only on the first or last dimension".into());
        };
        Ok(Type::Array(ArrayType { dtype, ndim: n as u32, layout, readonly: false }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::types::{F64, I64};

    #[test]
    fn signatures() {
        assert_eq!(parse_signature("float64(float64, int64)").unwrap(), Signature { ret: Some(F64), args: vec![F64, I64] });
        assert_eq!(parse_signature("(int64, int64)").unwrap().args, vec![I64, I64]);
        let s = parse_signature("void(float32[:, ::1], UniTuple(int64, 2))").unwrap();
        assert_eq!(s.args[0].to_string(), "array(float32, 2d, C)");
        assert_eq!(s.args[1].to_string(), "UniTuple(int64 x 2)");
        assert_eq!(parse_type("Tuple((int64, float32))").unwrap().to_string(), "Tuple(int64, float32)");
        assert_eq!(parse_type("Array(float64, 1, 'A')").unwrap().to_string(), "array(float64, 1d, A)");
        assert_eq!(parse_type("float64[::1, :]").unwrap().to_string(), "array(float64, 2d, F)");
        assert!(parse_signature("float64").is_err());
    }
}
