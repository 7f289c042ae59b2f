# TwoKey: zsh gate, login startup file: the user's .zprofile, read from the user's folder.
if [[ -f $__twokey_udir/.zprofile ]]; then
  ZDOTDIR=$__twokey_udir
  builtin source "$__twokey_udir/.zprofile"
  [[ -n ${ZDOTDIR-} && $ZDOTDIR != $__twokey_zdir ]] && __twokey_udir=$ZDOTDIR
fi
ZDOTDIR=$__twokey_zdir
