#if ISPMON_TSAN
import ISPMonCore

/// ThreadSanitizer builds (tools/tsan) lock with pthread mutexes, which it sees: see ``InstrumentedMutex``.
typealias Mutex<Value> = InstrumentedMutex<Value>
#endif
