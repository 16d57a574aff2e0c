//! Replay: a virtual clock driving the same fold and the same views. (See issue 5.)
