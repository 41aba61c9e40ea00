//! The IR's `list.*` calls → calls into the list runtime (`src/cpu/list.rs`). Items
//! cross as pointers to a stack slot holding the item in its LLVM layout, which is the
//! layout `common::types::item_layout` describes to the runtime.

use crate::common::diagnostic::Diagnostic;
use crate::common::types::{item_layout, Type};
use crate::cpu::lower::{Lowerer, R};
use crate::cpu::lower_types::ie;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate};

/// Byte offsets of the fields compiled code reads in place: `MemInfo::data`, and the
/// `ListHeader` fields (checked against the Rust structs by a unit test).
pub(crate) const MEMINFO_DATA: i64 = 8;
pub(crate) const HEADER_LEN: i64 = 0;
pub(crate) const HEADER_CAP: i64 = 8;
pub(crate) const HEADER_ITEMS: i64 = 16;
pub(crate) const HEADER_DIRTY: i64 = 40;

impl<'a, 'ctx> Lowerer<'a, 'ctx> {
    /// Lower `list.<op>` applied to the already lowered `vals`; None for other symbols.
    pub(crate) fn list_call(&mut self, sym: &str, vals: &[BasicValueEnum<'ctx>], arg_types: &[&Type], ret: &Type) -> R<Option<BasicValueEnum<'ctx>>> {
        let Some(op) = sym.strip_prefix("list.") else { return Ok(None) };
        let list_ty = if op == "build" { ret } else { arg_types[0] };
        let item = match list_ty {
            Type::List { item, .. } => (**item).clone(),
            other => return Err(Diagnostic::internal(format!("list.{op} of {other}"))),
        };
        if item.contains_unknown() {
            return Err(Diagnostic::typing("unknown-list-type", "cannot tell the type of this list's items (nothing is ever added to it)", Default::default())
                .with_hint("append an item, or create it with ferrumba.typed.List.empty_list(item_type)"));
        }
        let layout = item_layout(&item).ok_or_else(|| Diagnostic::typing("unsupported", format!("lists of {item} are not supported yet"), Default::default()))?;
        let ptr_t = self.ctx.ptr_type(AddressSpace::default());
        let i64t = self.ctx.i64_type();
        let none = || -> BasicValueEnum<'ctx> { self.ctx.const_struct(&[], false).into() };
        Ok(Some(match op {
            "build" => {
                let owned = self.i64c(layout.owned.map_or(-1, |o| o as i64));
                let l = self.call_runtime("ferrumba_rt_list_new", ptr_t.into(), &[self.i64c(layout.size as i64).into(), owned.into(), self.i64c(vals.len() as i64).into()])?;
                self.raise_if_null(l)?;
                for v in vals {
                    let slot = self.item_slot(&item, *v)?;
                    let status = self.call_runtime("ferrumba_rt_list_append", i64t.into(), &[l, slot.into()])?;
                    self.raise_memory_error_if(status)?;
                }
                l
            }
            "len" => {
                let h = self.list_header(vals[0])?;
                self.header_field(h, HEADER_LEN)?.into()
            }
            "get" => {
                let p = self.checked_item(vals[0], vals[1].into_int_value(), layout.size, "list index out of range")?;
                self.builder.build_load(self.ty(&item), p, "item").map_err(ie)?
            }
            // Items that own nothing are stored inline; others go through the runtime,
            // which keeps the references the items hold.
            "set" if layout.owned.is_none() => {
                let p = self.checked_item(vals[0], vals[1].into_int_value(), layout.size, "list assignment index out of range")?;
                self.builder.build_store(p, vals[2]).map_err(ie)?;
                let h = self.list_header(vals[0])?;
                self.set_header_field(h, HEADER_DIRTY, self.i64c(1))?;
                none()
            }
            "append" if layout.owned.is_none() => {
                // Room left: store in place; else the runtime grows the buffer.
                let h = self.list_header(vals[0])?;
                let len = self.header_field(h, HEADER_LEN)?;
                let cap = self.header_field(h, HEADER_CAP)?;
                let room = self.builder.build_int_compare(IntPredicate::SLT, len, cap, "room").map_err(ie)?;
                let (fast, slow, done) = (self.new_block("append.fast"), self.new_block("append.grow"), self.new_block("append.done"));
                self.builder.build_conditional_branch(room, fast, slow).map_err(ie)?;
                self.builder.position_at_end(fast);
                let p = self.item_address(h, len, layout.size)?;
                self.builder.build_store(p, vals[1]).map_err(ie)?;
                let len1 = self.builder.build_int_add(len, self.i64c(1), "len1").map_err(ie)?;
                self.set_header_field(h, HEADER_LEN, len1)?;
                self.set_header_field(h, HEADER_DIRTY, self.i64c(1))?;
                self.builder.build_unconditional_branch(done).map_err(ie)?;
                self.builder.position_at_end(slow);
                let slot = self.item_slot(&item, vals[1])?;
                let status = self.call_runtime("ferrumba_rt_list_append", i64t.into(), &[vals[0], slot.into()])?;
                self.raise_memory_error_if(status)?;
                self.builder.build_unconditional_branch(done).map_err(ie)?;
                self.builder.position_at_end(done);
                none()
            }
            "set" | "delete" => {
                let status = if op == "set" {
                    let slot = self.item_slot(&item, vals[2])?;
                    self.call_runtime("ferrumba_rt_list_set", i64t.into(), &[vals[0], vals[1], slot.into()])?
                } else {
                    self.call_runtime("ferrumba_rt_list_delete", i64t.into(), &[vals[0], vals[1]])?
                };
                let failed = self.nonzero(status.into_int_value())?;
                self.raise_if(failed, "IndexError", "list assignment index out of range")?;
                none()
            }
            "append" => {
                let slot = self.item_slot(&item, vals[1])?;
                let status = self.call_runtime("ferrumba_rt_list_append", i64t.into(), &[vals[0], slot.into()])?;
                self.raise_memory_error_if(status)?;
                none()
            }
            "insert" => {
                let slot = self.item_slot(&item, vals[2])?;
                let status = self.call_runtime("ferrumba_rt_list_insert", i64t.into(), &[vals[0], vals[1], slot.into()])?;
                self.raise_memory_error_if(status)?;
                none()
            }
            "pop" => {
                let n = self.call_runtime("ferrumba_rt_list_len", i64t.into(), &[vals[0]])?.into_int_value();
                let empty = self.builder.build_int_compare(IntPredicate::EQ, n, self.i64c(0), "empty").map_err(ie)?;
                self.raise_if(empty, "IndexError", "pop from empty list")?;
                let out = self.entry_alloca(self.ty(&item), "popped")?;
                let status = self.call_runtime("ferrumba_rt_list_pop", i64t.into(), &[vals[0], vals[1], out.into()])?;
                let failed = self.nonzero(status.into_int_value())?;
                self.raise_if(failed, "IndexError", "pop index out of range")?;
                self.builder.build_load(self.ty(&item), out, "item").map_err(ie)?
            }
            "clear" => {
                self.call_runtime_void("ferrumba_rt_list_clear", &[vals[0]])?;
                none()
            }
            "extend" => {
                let status = self.call_runtime("ferrumba_rt_list_extend", i64t.into(), &[vals[0], vals[1]])?;
                self.raise_memory_error_if(status)?;
                none()
            }
            "set_slice" => {
                let status = self.call_runtime("ferrumba_rt_list_set_slice", i64t.into(), vals)?.into_int_value();
                let memory = self.builder.build_int_compare(IntPredicate::EQ, status, self.i64c(1), "nomem").map_err(ie)?;
                self.raise_if(memory, "MemoryError", "cannot allocate memory for the list")?;
                let sizes = self.builder.build_int_compare(IntPredicate::EQ, status, self.i64c(2), "sizes").map_err(ie)?;
                self.raise_if(sizes, "ValueError", "attempt to assign a sequence to an extended slice of another size")?;
                none()
            }
            "delete_slice" => {
                self.call_runtime_void("ferrumba_rt_list_delete_slice", vals)?;
                none()
            }
            "slice" | "concat" | "repeat" => {
                let l = self.call_runtime(&format!("ferrumba_rt_list_{op}"), ptr_t.into(), vals)?;
                self.raise_if_null(l)?;
                l
            }
            other => return Err(Diagnostic::internal(format!("list.{other} has no lowering"))),
        }))
    }

    /// The `ListHeader` of list `l` (a `MemInfo` whose data is the header).
    fn list_header(&mut self, l: BasicValueEnum<'ctx>) -> R<PointerValue<'ctx>> {
        let ptr_t = self.ctx.ptr_type(AddressSpace::default());
        let data = unsafe { self.builder.build_gep(self.ctx.i8_type(), l.into_pointer_value(), &[self.i64c(MEMINFO_DATA)], "data.addr") }.map_err(ie)?;
        Ok(self.builder.build_load(ptr_t, data, "header").map_err(ie)?.into_pointer_value())
    }

    fn header_field_ptr(&mut self, h: PointerValue<'ctx>, offset: i64) -> R<PointerValue<'ctx>> {
        unsafe { self.builder.build_gep(self.ctx.i8_type(), h, &[self.i64c(offset)], "field") }.map_err(ie)
    }

    fn header_field(&mut self, h: PointerValue<'ctx>, offset: i64) -> R<IntValue<'ctx>> {
        let p = self.header_field_ptr(h, offset)?;
        Ok(self.builder.build_load(self.ctx.i64_type(), p, "field").map_err(ie)?.into_int_value())
    }

    fn set_header_field(&mut self, h: PointerValue<'ctx>, offset: i64, v: IntValue<'ctx>) -> R<()> {
        let p = self.header_field_ptr(h, offset)?;
        self.builder.build_store(p, v).map_err(ie)?;
        Ok(())
    }

    /// The address of item k (not checked).
    fn item_address(&mut self, h: PointerValue<'ctx>, k: IntValue<'ctx>, size: usize) -> R<PointerValue<'ctx>> {
        let ptr_t = self.ctx.ptr_type(AddressSpace::default());
        let items_at = self.header_field_ptr(h, HEADER_ITEMS)?;
        let items = self.builder.build_load(ptr_t, items_at, "items").map_err(ie)?.into_pointer_value();
        let offset = self.builder.build_int_mul(k, self.i64c(size as i64), "offset").map_err(ie)?;
        unsafe { self.builder.build_gep(self.ctx.i8_type(), items, &[offset], "item.addr") }.map_err(ie)
    }

    /// The address of item i (negative counts from the end), raising IndexError with
    /// `message` when it is out of range.
    fn checked_item(&mut self, l: BasicValueEnum<'ctx>, i: IntValue<'ctx>, size: usize, message: &str) -> R<PointerValue<'ctx>> {
        let h = self.list_header(l)?;
        let len = self.header_field(h, HEADER_LEN)?;
        let negative = self.builder.build_int_compare(IntPredicate::SLT, i, self.i64c(0), "neg").map_err(ie)?;
        let wrapped = self.builder.build_int_add(i, len, "wrapped").map_err(ie)?;
        let k = self.builder.build_select(negative, wrapped, i, "k").map_err(ie)?.into_int_value();
        // One unsigned comparison rejects both k < 0 and k >= len.
        let outside = self.builder.build_int_compare(IntPredicate::UGE, k, len, "outside").map_err(ie)?;
        self.raise_if(outside, "IndexError", message)?;
        self.item_address(h, k, size)
    }

    /// A stack slot holding `v`, an item of type `item` about to be stored into a list
    /// (an array borrowed from Python gets an owner first, see `adopt_array_item`).
    fn item_slot(&mut self, item: &Type, v: BasicValueEnum<'ctx>) -> R<PointerValue<'ctx>> {
        let slot = self.entry_alloca(self.ty(item), "item")?;
        self.builder.build_store(slot, v).map_err(ie)?;
        if matches!(item, Type::Array(_)) {
            self.call_runtime_void("ferrumba_rt_list_adopt_array", &[slot.into()])?;
        }
        Ok(slot)
    }

    fn raise_memory_error_if(&mut self, status: BasicValueEnum<'ctx>) -> R<()> {
        let failed = self.nonzero(status.into_int_value())?;
        self.raise_if(failed, "MemoryError", "cannot allocate memory for the list")
    }

    fn raise_if_null(&mut self, l: BasicValueEnum<'ctx>) -> R<()> {
        let null = self.builder.build_is_null(l.into_pointer_value(), "null").map_err(ie)?;
        self.raise_if(null, "MemoryError", "cannot allocate memory for the list")
    }

    fn nonzero(&mut self, v: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        self.builder.build_int_compare(IntPredicate::NE, v, v.get_type().const_zero(), "nonzero").map_err(ie)
    }
}
