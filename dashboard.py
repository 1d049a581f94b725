"""frontmap's dashboard (placeholder until the dashboard issue lands): the sample article's places."""

import streamlit as st

st.set_page_config(page_title="frontmap", layout="wide")
st.title("frontmap")
st.write("The map arrives with the dashboard issue; `python -m geo extract` works today.")
