//! The IR's `list.*` calls → calls into the list runtime (`src/cpu/list.rs`). Items
//! cross as pointers to a stack slot holding the item in its LLVM layout, which is the
//! layout `common::types::item_layout` describes to the runtime.

use crate::common::diagnostic::Diagnostic;
use crate::common::types::{item_layout, Type};
use crate::cpu::lower::{Lowerer, R};
use crate::cpu::lower_types::ie;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate};

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
                for v in vals {
                    let slot = self.item_slot(&item, *v)?;
                    self.call_runtime_void("ferrumba_rt_list_append", &[l, slot.into()])?;
                }
                l
            }
            "len" => self.call_runtime("ferrumba_rt_list_len", i64t.into(), &[vals[0]])?,
            "get" => {
                let p = self.call_runtime("ferrumba_rt_list_item", ptr_t.into(), &[vals[0], vals[1]])?.into_pointer_value();
                let missing = self.builder.build_is_null(p, "missing").map_err(ie)?;
                self.raise_if(missing, "IndexError", "list index out of range")?;
                self.builder.build_load(self.ty(&item), p, "item").map_err(ie)?
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
                self.call_runtime_void("ferrumba_rt_list_append", &[vals[0], slot.into()])?;
                none()
            }
            "insert" => {
                let slot = self.item_slot(&item, vals[2])?;
                self.call_runtime_void("ferrumba_rt_list_insert", &[vals[0], vals[1], slot.into()])?;
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
                self.call_runtime_void("ferrumba_rt_list_extend", &[vals[0], vals[1]])?;
                none()
            }
            "slice" => self.call_runtime("ferrumba_rt_list_slice", ptr_t.into(), vals)?,
            "concat" => self.call_runtime("ferrumba_rt_list_concat", ptr_t.into(), vals)?,
            "repeat" => self.call_runtime("ferrumba_rt_list_repeat", ptr_t.into(), vals)?,
            other => return Err(Diagnostic::internal(format!("list.{other} has no lowering"))),
        }))
    }

    /// A stack slot holding `v`, an item of type `item`.
    fn item_slot(&mut self, item: &Type, v: BasicValueEnum<'ctx>) -> R<PointerValue<'ctx>> {
        let slot = self.entry_alloca(self.ty(item), "item")?;
        self.builder.build_store(slot, v).map_err(ie)?;
        Ok(slot)
    }

    fn nonzero(&mut self, v: IntValue<'ctx>) -> R<IntValue<'ctx>> {
        self.builder.build_int_compare(IntPredicate::NE, v, v.get_type().const_zero(), "nonzero").map_err(ie)
    }
}
