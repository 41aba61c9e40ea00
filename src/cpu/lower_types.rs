//! How typed-IR types look in LLVM on the host, and how values cross the native entry
//! point as flat 8-byte slots (see `types::slot_count`).

use crate::common::diagnostic::Diagnostic;
use crate::common::types::{Scalar, Type};
use inkwell::context::Context;
use inkwell::types::{BasicType, BasicTypeEnum, StructType};
use inkwell::AddressSpace;

pub fn ie(e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::internal(format!("LLVM lowering: {e}"))
}

pub fn scalar_type<'ctx>(ctx: &'ctx Context, s: Scalar) -> BasicTypeEnum<'ctx> {
    match s {
        Scalar::Bool => ctx.bool_type().into(),
        Scalar::I8 | Scalar::U8 => ctx.i8_type().into(),
        Scalar::I16 | Scalar::U16 => ctx.i16_type().into(),
        Scalar::I32 | Scalar::U32 => ctx.i32_type().into(),
        Scalar::I64 | Scalar::U64 => ctx.i64_type().into(),
        Scalar::F32 => ctx.f32_type().into(),
        Scalar::F64 => ctx.f64_type().into(),
        Scalar::C64 => ctx.struct_type(&[ctx.f32_type().into(), ctx.f32_type().into()], false).into(),
        Scalar::C128 => ctx.struct_type(&[ctx.f64_type().into(), ctx.f64_type().into()], false).into(),
    }
}

/// The type an element has in array memory (bool is a byte there).
pub fn memory_type<'ctx>(ctx: &'ctx Context, s: Scalar) -> BasicTypeEnum<'ctx> {
    if s == Scalar::Bool {
        ctx.i8_type().into()
    } else {
        scalar_type(ctx, s)
    }
}

/// An array value: meminfo, parent object, data, shape, strides (strides in bytes).
pub fn array_struct<'ctx>(ctx: &'ctx Context, ndim: u32) -> StructType<'ctx> {
    let ptr = ctx.ptr_type(AddressSpace::default());
    let dims = ctx.i64_type().array_type(ndim);
    ctx.struct_type(&[ptr.into(), ptr.into(), ptr.into(), dims.into(), dims.into()], false)
}

pub const ARRAY_DATA: u32 = 2;
pub const ARRAY_SHAPE: u32 = 3;
pub const ARRAY_STRIDES: u32 = 4;

pub fn llvm_type<'ctx>(ctx: &'ctx Context, t: &Type) -> BasicTypeEnum<'ctx> {
    match t {
        Type::Scalar(s) => scalar_type(ctx, *s),
        Type::NoneType | Type::Unknown | Type::DType(_) | Type::StrLiteral(_) | Type::BoolLiteral(_) => ctx.struct_type(&[], false).into(),
        Type::Tuple(items) => {
            let fields: Vec<BasicTypeEnum> = items.iter().map(|t| llvm_type(ctx, t)).collect();
            ctx.struct_type(&fields, false).into()
        }
        Type::Array(a) => array_struct(ctx, a.ndim).into(),
        Type::Optional(inner) => ctx.struct_type(&[ctx.bool_type().into(), llvm_type(ctx, inner)], false).into(),
        Type::List { .. } => ctx.ptr_type(AddressSpace::default()).into(),
        Type::Range => {
            let i = ctx.i64_type().as_basic_type_enum();
            ctx.struct_type(&[i, i, i], false).into()
        }
    }
}
