"""The callbacks ``numpynn train`` can add to ``fit``: ``--tensorboard DIR`` and
``--backup-dir DIR``."""
from numpynn import callbacks


def add_callback_options(parser):
    parser.add_argument("--tensorboard", metavar="DIR",
                        help="write TensorBoard logs there (view: tensorboard --logdir DIR; "
                             "needs pip install numpynn[tensorboard])")
    parser.add_argument("--backup-dir", metavar="DIR",
                        help="back up the training state there after every epoch; the same "
                             "command run again after a crash or kill continues from it")


def callbacks_of(args):
    """The callbacks the options ask for (the backup last, as ``fit`` runs it anyway)."""
    chosen = []
    if args.tensorboard:
        chosen.append(callbacks.TensorBoard(args.tensorboard))
    if args.backup_dir:
        chosen.append(callbacks.BackupAndRestore(args.backup_dir))
    return chosen
