//! The data log under any sequence of data in every form, sends, lifecycle lines and every
//! setting switched (the operations the log's model test draws from too): no panic, memory
//! within the budget, and every row can be drawn.
#![no_main]

use chrono::NaiveTime;
use libfuzzer_sys::fuzz_target;
use netdebug::log::Log;
use netdebug::log::ops::LogOp;

fuzz_target!(|ops: Vec<LogOp>| {
    let mut log = Log::default();
    let mut time = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
    for op in ops {
        op.apply(&mut log, &mut time);
        assert!(log.store().used() <= log.store().budget() || log.store().entries().len() <= 1);
        let total = usize::try_from(log.store().total_rows()).unwrap_or(usize::MAX);
        assert_eq!(log.store().rows(0, total).len(), total);
    }
});
